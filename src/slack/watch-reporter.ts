// Shows a watched switchover in Slack: one progress message in the request's thread, updated in place each
// minute; guardrail alerts, pinned-connection offers and completion as top-level channel messages so they are
// seen; the end of a watch in the thread.
//
// Slack failures never stop the watch. A progress message that can no longer be updated (deleted, too old)
// is replaced by a new one in the thread. A channel message that fails for a passing reason (rate limit,
// network, Slack 5xx) is queued and sent again on the next minute, in order, so an alert is not lost to a
// momentary outage; one Slack refuses for good (not_in_channel ...) is logged and dropped. The queue is kept in
// an outbox in the data directory too, so that a restart of the bot sends what Slack had not taken yet (the
// watch itself resumes from the journal, which says the alert was made).
//
// A guardrail alert and the completion message get the switchover chart in their thread once they are
// posted (switchover-charts.ts: the whole switchover up to the moment's minutes); it is drawn and shared apart
// from the watch's minute, so a slow renderer or upload never holds a guardrail, and a chart that fails is said
// in the thread. A queued alert keeps what its chart shows, and gets the chart of its breach when it is sent.
import type { webApi } from '@slack/bolt';
import { z } from 'zod';
import {
  GUARDRAIL_WORDS,
  changedOutsideMessage,
  completedMessage,
  guardrailAlertMessage,
  pinnedConnectionsMessage,
  watchEndedMessage,
  watchProgressMessage,
} from '../blocks/watch';
import { escapeMrkdwn } from '../blocks/common';
import type { GuardrailBreach } from '../core/judge';
import type { Clock } from '../core/ports';
import type { WatchEndReason, WatchReporter } from '../core/watch';
import type { PinnedConnections, WatchInfo, WatchTick } from '../core/watch-tick';
import { MINUTE_MS } from '../core/types';
import type { Logger } from '../logger';
import { shareCharts } from './chart-post';
import { isTransientSlackError, slackErrorCode } from './errors';
import type { SwitchoverChartRequest, SwitchoverCharts } from './switchover-charts';

/** A queued channel message is tried this many times in all before it is given up. */
export const MAX_DELIVERY_ATTEMPTS = 5;
/** Queued channel messages are tried again this long after a failure (unless a progress tick comes first). */
export const RETRY_DELAY_MS = MINUTE_MS;

/** Slack codes that mean the progress message cannot be updated any more, so a new one is posted. */
const MESSAGE_GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);
type PostArgs = webApi.ChatPostMessageArguments;

export interface QueuedWatchMessage {
  what: string;
  args: PostArgs;
  attempts: number;
  /** The chart to share in the message's thread once it is posted. */
  chart?: SwitchoverChartRequest;
}

/** What a queued message read back from the outbox must be before it is sent (a hand-edited file is not trusted). */
const QueuedWatchMessageSchema = z.object({
  what: z.string(),
  args: z.looseObject({ channel: z.string().min(1) }),
  attempts: z.number().int().min(0),
  chart: z.object({ stage: z.string().min(1), moment: z.enum(['alert', 'completion']), end: z.number().finite(), breach: z.string().optional() }).optional(),
});

/** Where the queue survives a restart (adapters/journal/outbox-file.ts). */
export interface WatchMessageOutbox {
  load(): Promise<QueuedWatchMessage[]>;
  save(items: readonly QueuedWatchMessage[]): Promise<void>;
}

export class SlackWatchReporter implements WatchReporter {
  private readonly queue: QueuedWatchMessage[] = [];
  private retry?: AbortController;
  private flushing?: Promise<void>;
  private stopped = false;
  /** Charts being drawn and shared into an alert's or a completion's thread. */
  private readonly chartJobs = new Set<Promise<void>>();

  constructor(
    private readonly slack: webApi.WebClient,
    private readonly logger: Logger,
    /** Schedules retries of queued channel messages; without it they wait for the next progress tick. */
    private readonly clock?: Clock,
    private readonly outbox?: WatchMessageOutbox,
    /** Draws the alert's and the completion's chart; without it they go out without one. */
    private readonly charts?: Pick<SwitchoverCharts, 'draw'>,
  ) {}

  /** At start: takes back what an earlier run left unsent, ahead of anything new, and starts sending it. */
  async restore(): Promise<void> {
    if (!this.outbox) return;
    let saved: QueuedWatchMessage[];
    try {
      saved = await this.outbox.load();
    } catch (error) {
      this.logger.error({ err: error }, 'could not read the unsent watch messages of the last run');
      return;
    }
    saved = saved.filter((item, i) => {
      const checked = QueuedWatchMessageSchema.safeParse(item);
      if (!checked.success) this.logger.warn({ item: i, problem: checked.error.issues[0]?.message }, 'an unsent watch message of the last run is not one; left out');
      return checked.success;
    });
    if (saved.length === 0) return;
    this.queue.unshift(...saved);
    this.logger.info({ queued: saved.map((q) => q.what) }, 'sending watch messages the last run could not send');
    void this.flush();
  }

  /** Channel messages waiting to be sent again. */
  get queued(): number {
    return this.queue.length;
  }

  async progress(tick: WatchTick): Promise<string | undefined> {
    await this.flush();
    const { channel, threadTs, messageTs, stage } = tick.watch;
    const message = watchProgressMessage(tick);
    if (messageTs) {
      try {
        await this.slack.chat.update({ channel, ts: messageTs, ...message });
        return messageTs;
      } catch (error) {
        if (!MESSAGE_GONE.has(slackErrorCode(error) ?? '')) throw error;
        this.logger.warn({ err: error, stage, messageTs }, 'watch progress message cannot be updated any more; posting a new one');
      }
    }
    const posted = await this.slack.chat.postMessage({ channel, thread_ts: threadTs, ...message });
    return posted.ts;
  }

  async alert(watch: WatchInfo, breach: GuardrailBreach, tick?: WatchTick): Promise<string | undefined> {
    const chart = tick && { stage: watch.stage, moment: 'alert' as const, end: tick.window.end, breach: `breach: ${GUARDRAIL_WORDS[breach.guardrail]}` };
    return this.deliver(`${breach.guardrail} alert on ${watch.stage}`, { channel: watch.channel, ...guardrailAlertMessage(watch, breach) }, chart);
  }

  async pinned(watch: WatchInfo, pinned: PinnedConnections): Promise<void> {
    await this.deliver(`pinned connections on ${watch.stage}`, { channel: watch.channel, ...pinnedConnectionsMessage(watch, pinned) });
  }

  async completed(watch: WatchInfo, tick: WatchTick): Promise<void> {
    const chart = { stage: watch.stage, moment: 'completion' as const, end: tick.window.end };
    await this.deliver(`completion of ${watch.stage}`, { channel: watch.channel, ...completedMessage(watch, tick) }, chart);
  }

  /** Resolves once every chart being attached is shared or given up (tests, shutdown). */
  async chartsSettled(): Promise<void> {
    while (this.chartJobs.size > 0) await Promise.allSettled([...this.chartJobs]);
  }

  /**
   * Draws the chart of the posted message's moment and shares it in its thread, without making the watch (or
   * the queue) wait for it.
   */
  private attachChart(chart: SwitchoverChartRequest | undefined, channel: string, ts: string): void {
    const charts = this.charts;
    if (!charts || !chart) return;
    const job = (async () => {
      const { images, note } = await charts.draw(chart);
      const problem = note ?? (await shareCharts(this.slack, this.logger, { channel, threadTs: ts }, images));
      if (problem) await this.slack.chat.postMessage({ channel, thread_ts: ts, text: `:bar_chart: ${escapeMrkdwn(problem)}` });
    })()
      .catch((error: unknown) => this.logger.warn({ err: error, stage: chart.stage }, `could not attach the ${chart.moment} chart`))
      .finally(() => this.chartJobs.delete(job));
    this.chartJobs.add(job);
  }

  async changedOutside(watch: WatchInfo, description: string): Promise<void> {
    await this.deliver(`outside change of the listener of ${watch.stage}`, {
      channel: watch.channel,
      thread_ts: watch.threadTs,
      ...changedOutsideMessage(watch, description),
    });
  }

  async ended(watch: WatchInfo, reason: Exclude<WatchEndReason, 'completed'>): Promise<void> {
    await this.deliver(`end of the watch of ${watch.stage}`, {
      channel: watch.channel,
      thread_ts: watch.threadTs,
      ...watchEndedMessage(watch, reason),
    });
  }

  log(level: 'info' | 'warn' | 'error', message: string, error?: unknown): void {
    this.logger[level]({ err: error }, message);
  }

  /** For shutdown: no more scheduled retries (what is still queued is logged). */
  stop(): void {
    this.stopped = true;
    this.retry?.abort(new Error('watch reporter stopped'));
    this.retry = undefined;
    if (this.queue.length > 0) {
      const next = this.outbox ? '; the next start sends them' : '';
      this.logger.warn({ queued: this.queue.map((q) => q.what) }, `watch messages still unsent at shutdown${next}`);
    }
  }

  /**
   * Sends a channel message and returns its ts; a passing failure queues it (and resolves without a ts), a
   * lasting one throws.
   */
  private async deliver(what: string, args: PostArgs, chart?: SwitchoverChartRequest): Promise<string | undefined> {
    const item = { what, args, attempts: 0, ...(chart ? { chart } : {}) };
    // Keep the order: behind anything already waiting.
    if (this.queue.length > 0) {
      this.queue.push(item);
      await this.persist();
      await this.flush();
      return undefined;
    }
    try {
      const ts = (await this.slack.chat.postMessage(args)).ts;
      if (ts) this.attachChart(chart, args.channel, ts);
      return ts;
    } catch (error) {
      if (!isTransientSlackError(error)) throw error;
      this.queue.push({ ...item, attempts: 1 });
      await this.persist();
      this.logger.warn({ err: error, what }, 'could not post a watch message; trying again next minute');
      this.schedule();
    }
  }

  /** Sends what is queued, oldest first, until Slack fails again. One flush at a time. */
  private flush(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      try {
        next.attempts++;
        const posted = await this.slack.chat.postMessage(next.args);
        this.queue.shift();
        if (posted.ts) this.attachChart(next.chart, next.args.channel, posted.ts);
        this.logger.info({ what: next.what, attempts: next.attempts }, 'watch message sent after a retry');
      } catch (error) {
        if (isTransientSlackError(error) && next.attempts < MAX_DELIVERY_ATTEMPTS) {
          await this.persist(); // the attempt count, so that restarts do not retry it for ever
          this.logger.warn({ err: error, what: next.what, attempts: next.attempts }, 'watch message still not sent; trying again later');
          this.schedule();
          return;
        }
        this.queue.shift();
        this.logger.error({ err: error, what: next.what, attempts: next.attempts }, 'giving up on a watch message');
      }
      await this.persist();
    }
  }

  /** Saves the queue; a failure to is said and leaves the queue working in memory. */
  private async persist(): Promise<void> {
    if (!this.outbox) return;
    try {
      await this.outbox.save(this.queue);
    } catch (error) {
      this.logger.error({ err: error }, 'could not save the unsent watch messages; a restart now would lose them');
    }
  }

  private schedule(): void {
    if (!this.clock || this.stopped || this.retry) return;
    const controller = new AbortController();
    this.retry = controller;
    this.clock.sleep(RETRY_DELAY_MS, controller.signal).then(
      () => {
        if (this.retry === controller) this.retry = undefined;
        void this.flush();
      },
      () => undefined, // stopped
    );
  }
}
