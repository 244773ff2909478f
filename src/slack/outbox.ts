// The one outbox for Slack posts and message edits Slack did not take (an outage, a rate limit, no answer):
// request messages, their thread notes and the watch's channel messages. Each is tried at once, in order per
// place (message, thread or channel); on a passing failure it is kept in a data-directory file (each record
// schema-checked when read back) and sent by one background sweep, oldest first, one call at a time, until Slack
// answers. Slack refusing for good, or a record older than GIVE_UP_AFTER_MS, drops it, logged.
//
// Never sent twice: a record is removed, in memory and on disk, as soon as Slack accepts it, before the next is
// sent, and a newer edit of a message replaces one still waiting. A call whose answer never came (a timeout) is
// sent again rather than lost: the Web API has no idempotency key, and checking would need channels:history. For
// the same reason its client makes no retries of its own.
import type { webApi } from '@slack/bolt';
import { Mutex } from 'async-mutex';
import { z } from 'zod';
import { context, type Block, type SlackMessage } from '../blocks/common';
import { formatTime } from '../core/format';
import type { Clock } from '../core/ports';
import { MINUTE_MS } from '../core/types';
import type { Logger } from '../logger';
import { isTransientSlackError, slackErrorCode } from './errors';
import { SwitchoverChartRequestSchema } from './switchover-charts';

/** Kept messages are tried again this long after a failure (longer when Slack says to wait longer). */
export const RETRY_MS = 15_000;
/** A message Slack has not taken for this long is given up (logged): what it says is too old to act on. */
export const GIVE_UP_AFTER_MS = 6 * 60 * MINUTE_MS;
/** A post sent this much later than it was meant for says so. */
const LATE_MS = MINUTE_MS;
/** Slack's limit of blocks in a message. */
const MAX_BLOCKS = 50;

/** A block is checked as Block Kit by Slack itself; here only that it is one (an object with a type). */
const BlockSchema = z.custom<Block>((v) => typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string', 'not a block');
const MessageSchema = z.object({ text: z.string(), blocks: z.array(BlockSchema) });
const Common = {
  id: z.string().min(1),
  /** In words, for the log: "5xx-rate alert on staging". */
  what: z.string(),
  channel: z.string().min(1),
  message: MessageSchema,
  queuedAt: z.number().int().nonnegative(),
  attempts: z.number().int().nonnegative(),
};
const PostSchema = z.object({
  kind: z.literal('post'),
  ...Common,
  threadTs: z.string().min(1).optional(),
  /** A thread reply shown in the channel too. */
  broadcast: z.boolean().optional(),
  /** The switchover chart to share in the message's thread once it is posted (an alert's, a completion's). */
  chart: SwitchoverChartRequestSchema.optional(),
});
const UpdateSchema = z.object({ kind: z.literal('update'), ...Common, ts: z.string().min(1) });
export const OutboxRecordSchema = z.discriminatedUnion('kind', [PostSchema, UpdateSchema]);
export type OutboxRecord = z.infer<typeof OutboxRecordSchema>;
type PostRecord = Extract<OutboxRecord, { kind: 'post' }>;

/** A channel message (threaded under `threadTs` when given). */
export type OutgoingPost = Pick<PostRecord, 'channel' | 'threadTs' | 'broadcast' | 'message' | 'chart'>;

/** Told of every post Slack took, now or later (the watch reporter then shares the post's chart). */
export type PostedListener = (post: PostRecord, ts: string) => void;

/** Where the records survive a restart (adapters/journal/outbox-file.ts). */
export interface OutboxStore {
  load(): Promise<OutboxRecord[]>;
  save(records: readonly OutboxRecord[]): Promise<void>;
}

export interface SlackOutboxDeps {
  /** A client with a deadline on every call and no retries of its own (see above). */
  slack: webApi.WebClient;
  clock: Clock;
  logger: Logger;
  store?: OutboxStore;
}

export class SlackOutbox {
  private records: OutboxRecord[] = [];
  private sending?: Promise<void>;
  /** Per place with a post or edit under way, its lock: the next one there waits for it, and so does stop(). */
  private readonly places = new Map<string, Mutex>();
  /** The record the sweep is sending: an edit arriving meanwhile does not replace it. */
  private inFlight?: string;
  private timer?: AbortController;
  private notBefore = 0;
  private stopped = false;
  private nextId = 0;
  private readonly listeners: PostedListener[] = [];

  constructor(private readonly deps: SlackOutboxDeps) {}

  whenPosted(listener: PostedListener): void {
    this.listeners.push(listener);
  }

  /** At start: takes back what an earlier run left unsent, ahead of anything new, and starts sending it. */
  async start(): Promise<void> {
    this.stopped = false;
    if (!this.deps.store) return;
    let saved: OutboxRecord[];
    try {
      saved = await this.deps.store.load();
    } catch (error) {
      this.deps.logger.error({ err: error }, 'could not read the Slack messages the last run left unsent');
      return;
    }
    if (saved.length === 0) return;
    this.records.unshift(...saved);
    this.deps.logger.info({ unsent: saved.map((r) => r.what) }, 'sending the Slack messages the last run could not send');
    void this.sweep();
  }

  /**
   * For shutdown: no more retries; calls under way (the sweep's, and posts tried at once) are let finish (they
   * have their deadline) so that the file says whether Slack took them; what is kept is logged (the next start
   * sends it).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.abort(new Error('outbox stopped'));
    this.timer = undefined;
    await Promise.allSettled([this.sending, ...[...this.places.values()].map((lock) => lock.waitForUnlock())]);
    if (this.records.length > 0) {
      const next = this.deps.store ? '; the next start sends them' : '';
      this.deps.logger.warn({ unsent: this.records.map((r) => r.what) }, `Slack messages still unsent at shutdown${next}`);
    }
  }

  /** What waits for Slack, oldest first (tests, diagnostics). */
  pending(): readonly OutboxRecord[] {
    return this.records;
  }

  /**
   * Posts now and returns the message's ts; when Slack fails for a passing reason (or older messages still wait)
   * the post is kept for the sweep and this resolves without a ts. Throws when Slack refuses it for good.
   */
  async post(what: string, post: OutgoingPost): Promise<string | undefined> {
    const record: OutboxRecord = { ...post, kind: 'post', ...this.common(what, post.channel, post.message) };
    return this.send(record);
  }

  /**
   * Edits a message now; when Slack fails for a passing reason it is kept (replacing an older edit of the same
   * message still waiting) and this resolves false. Throws when Slack refuses it for good.
   */
  async update(what: string, edit: { channel: string; ts: string; message: SlackMessage }): Promise<boolean> {
    const record: OutboxRecord = { kind: 'update', ...this.common(what, edit.channel, edit.message), ts: edit.ts };
    return (await this.send(record)) !== undefined;
  }

  /** Sends what is kept, oldest first, until Slack fails again. One sweep at a time; never throws. */
  sweep(): Promise<void> {
    if (!this.sending && this.records.length > 0) {
      this.sending = this.drain().finally(() => {
        this.sending = undefined;
        this.schedule();
      });
    }
    return this.sending ?? Promise.resolve();
  }

  private common(what: string, channel: string, message: SlackMessage) {
    return { id: `${this.deps.clock.now()}-${++this.nextId}`, what, channel, message, queuedAt: this.deps.clock.now(), attempts: 0 };
  }

  /**
   * What people see keeps its order: a post or edit goes after the one before it to the same place has its
   * answer (two edits of one message racing could leave the older state shown), and behind anything kept for it.
   */
  private send(record: OutboxRecord): Promise<string | undefined> {
    const place = placeOf(record);
    const lock = this.places.get(place) ?? new Mutex();
    this.places.set(place, lock);
    const turn = lock.runExclusive(async () => {
      if (this.records.some((r) => placeOf(r) === place)) {
        await this.keep(record);
        // Sent by the sweep under way, or by the next when Slack was failing (not sooner: it is down).
        if (!this.timer) void this.sweep();
        return undefined;
      }
      return this.tryNow(record);
    });
    return turn.finally(() => {
      if (!lock.isLocked()) this.places.delete(place);
    });
  }

  /** The first try of a post or edit; kept for the sweep when Slack fails for a passing reason. */
  private async tryNow(record: OutboxRecord): Promise<string | undefined> {
    try {
      return await this.call(record);
    } catch (error) {
      if (!isTransientSlackError(error)) throw error;
      record.attempts = 1;
      this.noteRetryAfter(error);
      this.deps.logger.warn({ err: error, what: record.what }, 'Slack did not take a message; it is kept and sent once Slack answers');
      await this.keep(record);
      this.schedule();
      return undefined;
    }
  }

  /** The call itself: the posted message's ts, or the edited message's. */
  private async call(record: OutboxRecord): Promise<string> {
    const { slack } = this.deps;
    const { channel, message } = record;
    const blocks = [...message.blocks];
    if (record.kind === 'update') {
      await slack.chat.update({ channel, ts: record.ts, text: message.text, blocks });
      return record.ts;
    }
    if (this.deps.clock.now() - record.queuedAt >= LATE_MS && blocks.length < MAX_BLOCKS) blocks.push(lateNote(record.queuedAt));
    const thread = record.threadTs ? { thread_ts: record.threadTs, ...(record.broadcast ? { reply_broadcast: true } : {}) } : {};
    const posted = await slack.chat.postMessage({ channel, text: message.text, blocks, ...thread });
    const ts = posted.ts ?? '';
    if (ts) for (const listener of this.listeners) listener(record, ts);
    return ts;
  }

  private async keep(record: OutboxRecord): Promise<void> {
    if (record.kind === 'update') {
      // Only the newest state of a message matters: an older edit still waiting is dropped.
      this.records = this.records.filter((r) => r.kind !== 'update' || r.id === this.inFlight || r.channel !== record.channel || r.ts !== record.ts);
    }
    this.records.push(record);
    await this.persist();
  }

  private async drain(): Promise<void> {
    const { clock, logger } = this.deps;
    while (this.records.length > 0 && !this.stopped && clock.now() >= this.notBefore) {
      const next = this.records[0]!;
      if (clock.now() - next.queuedAt > GIVE_UP_AFTER_MS) {
        logger.error({ what: next.what, attempts: next.attempts, queuedAt: formatTime(next.queuedAt) }, 'gave up a Slack message Slack has not taken for hours');
        await this.remove(next);
        continue;
      }
      this.inFlight = next.id;
      try {
        next.attempts++;
        await this.call(next);
        logger.info({ what: next.what, attempts: next.attempts }, 'Slack took a message it had not taken before');
      } catch (error) {
        if (isTransientSlackError(error)) {
          this.noteRetryAfter(error);
          await this.persist(); // the attempt count
          logger.warn({ err: error, what: next.what, attempts: next.attempts }, 'Slack still does not take a kept message; trying again later');
          return;
        }
        logger.error({ err: error, what: next.what, attempts: next.attempts }, 'Slack refused a kept message for good; it is dropped');
      } finally {
        this.inFlight = undefined;
      }
      await this.remove(next);
    }
  }

  private async remove(record: OutboxRecord): Promise<void> {
    this.records = this.records.filter((r) => r !== record);
    await this.persist();
  }

  /** Saves the list; a failure to is said and leaves the outbox working in memory. */
  private async persist(): Promise<void> {
    if (!this.deps.store) return;
    try {
      await this.deps.store.save(this.records);
    } catch (error) {
      this.deps.logger.error({ err: error }, 'could not save the unsent Slack messages; a restart now would lose them');
    }
  }

  private noteRetryAfter(error: unknown): void {
    const retryAfter = (error as { retryAfter?: unknown }).retryAfter;
    if (slackErrorCode(error) === 'ratelimited' && typeof retryAfter === 'number') {
      this.notBefore = Math.max(this.notBefore, this.deps.clock.now() + retryAfter * 1000);
    }
  }

  /** One timer at a time, while records wait: RETRY_MS, or until Slack's Retry-After when that is later. */
  private schedule(): void {
    if (this.stopped || this.timer || this.records.length === 0) return;
    const controller = new AbortController();
    this.timer = controller;
    const wait = Math.max(RETRY_MS, this.notBefore - this.deps.clock.now());
    this.deps.clock.sleep(wait, controller.signal).then(
      () => {
        if (this.timer === controller) this.timer = undefined;
        void this.sweep();
      },
      () => undefined, // stopped
    );
  }
}

/** Where a record shows: the message it edits, or the thread (or channel) it is posted in. */
function placeOf(record: OutboxRecord): string {
  return record.kind === 'update' ? `${record.channel} message ${record.ts}` : `${record.channel} thread ${record.threadTs ?? ''}`;
}

function lateNote(queuedAt: number): Block {
  return context(`:hourglass: Sent late: Slack did not take this message at ${formatTime(queuedAt)}.`);
}
