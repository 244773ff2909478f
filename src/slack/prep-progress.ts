// One channel message that shows a long-running phase as it goes: posted once, then redrawn in place with
// chat.update. Updates never hold up the phase: `update` only remembers the newest content, and a single
// loop sends it at most once per interval (Slack allows about one chat.update per second per channel), so
// a burst of reports becomes one update showing the latest state. A failed update is logged and skipped;
// the next report (or the final state) tries again. Only the final state is retried, a few times.
//
// The interval runs on the app's Clock, so a simulated run paces its updates in simulated time; the bound
// on waiting for a stuck Slack call at the end is real time (the Web API client may be retrying for long).
import type { webApi } from '@slack/bolt';
import { SystemClock } from '../adapters/clock';
import { withDeadline } from '../core/deadline';
import type { Clock } from '../core/ports';
import type { Logger } from '../logger';
import { slackErrorCode } from './errors';

const wallClock = new SystemClock();

export interface LiveContent {
  text: string;
  blocks?: unknown[];
}

export interface LiveMessageOptions {
  /** Least time between two chat.update calls, clock ms. Default 1100. */
  minIntervalMs?: number;
  /** Attempts at showing the final state. Default 3. */
  finalAttempts?: number;
  /** Longest `finish` waits for Slack, real ms. Default 60 s. */
  finishTimeoutMs?: number;
}

/** Slack errors after which the message cannot be updated any more: stop trying. */
const GONE = new Set(['message_not_found', 'channel_not_found', 'not_in_channel', 'is_archived', 'cant_update_message', 'invalid_auth', 'token_revoked', 'account_inactive']);

export class LiveMessage {
  /** The message's ts once posted. */
  ts?: string;
  private pending?: { content: LiveContent; final: boolean; attempts: number };
  private loop?: Promise<void>;
  private notBefore = 0;
  private gone = false;
  private closed = false;
  /** Whether the last content sent was shown (false after a failure, until the next success). */
  private lastShown = true;
  private readonly minIntervalMs: number;
  private readonly finalAttempts: number;
  private readonly finishTimeoutMs: number;

  constructor(
    private readonly slack: webApi.WebClient,
    private readonly clock: Clock,
    private readonly log: Logger,
    readonly channel: string,
    options: LiveMessageOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 1100;
    this.finalAttempts = options.finalAttempts ?? 3;
    this.finishTimeoutMs = options.finishTimeoutMs ?? 60_000;
  }

  /** Posts the message. Throws the Web API error (e.g. not_in_channel): the caller decides what that means. */
  async post(content: LiveContent, threadTs?: string): Promise<string> {
    const posted = await this.slack.chat.postMessage({
      channel: this.channel,
      text: content.text,
      ...(content.blocks ? { blocks: content.blocks as never } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    if (!posted.ts) throw new Error('Slack did not return the posted message');
    this.ts = posted.ts;
    this.notBefore = this.clock.now() + this.minIntervalMs;
    return posted.ts;
  }

  /** Shows `content` soon, unless newer content arrives first. Never throws, never waits. */
  update(content: LiveContent): void {
    if (this.gone || this.closed || !this.ts) return; // after finish, the final state stays
    this.pending = { content, final: false, attempts: 0 };
    this.kick();
  }

  /**
   * Shows the final state (after any update in flight), retrying a few times. Resolves true when Slack
   * took it; false when it could not be shown (the caller may say so elsewhere). Never throws.
   */
  async finish(content: LiveContent): Promise<boolean> {
    if (this.gone || !this.ts) return false;
    this.closed = true;
    this.pending = { content, final: true, attempts: 0 };
    this.kick();
    const result = await withDeadline(this.loop ?? Promise.resolve(), this.finishTimeoutMs, () => 'timeout' as const, (ms, signal) => wallClock.sleep(ms, signal));
    if (result === 'timeout') {
      this.log.warn({ channel: this.channel, ts: this.ts }, 'gave up waiting for Slack to show the final progress state');
      return false;
    }
    return !this.gone && this.pending === undefined && this.lastShown;
  }

  private kick(): void {
    if (this.loop) return;
    this.loop = this.drain().finally(() => {
      this.loop = undefined;
    });
  }

  private async drain(): Promise<void> {
    while (this.pending && !this.gone) {
      const wait = this.notBefore - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait).catch(() => undefined);
      const item = this.pending;
      if (!item) break;
      this.pending = undefined;
      try {
        await this.slack.chat.update({
          channel: this.channel,
          ts: this.ts!,
          text: item.content.text,
          ...(item.content.blocks ? { blocks: item.content.blocks as never } : {}),
        });
        this.lastShown = true;
        this.notBefore = this.clock.now() + this.minIntervalMs;
      } catch (error) {
        this.lastShown = false;
        const code = slackErrorCode(error);
        const retryAfterSec = (error as { retryAfter?: unknown }).retryAfter;
        const backoff = typeof retryAfterSec === 'number' ? Math.max(retryAfterSec * 1000, this.minIntervalMs) : this.minIntervalMs;
        this.notBefore = this.clock.now() + backoff;
        if (code && GONE.has(code)) {
          this.gone = true;
          this.pending = undefined;
        } else if (item.final && !this.pending && item.attempts + 1 < this.finalAttempts) {
          this.pending = { ...item, attempts: item.attempts + 1 };
        }
        this.log.warn(
          { err: error, code, channel: this.channel, ts: this.ts, final: item.final, gaveUp: this.gone },
          'could not update the progress message',
        );
      }
    }
  }
}
