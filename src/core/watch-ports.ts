// What the watcher (watch.ts) talks to besides the AWS ports: the Slack side that says each minute
// (WatchReporter, slack/watch-reporter.ts) and what its minutes drive (TickObserver, a running plan).
import type { WatchEnded } from './journal';
import type { GuardrailBreach } from './judge';
import type { PinnedConnections, WatchInfo, WatchTick } from './watch-tick';

export type WatchEndReason = WatchEnded['reason'];

/** The Slack side of watching. Every method may throw: the watcher logs it and carries on. */
export interface WatchReporter {
  /**
   * Shows the tick in the request's thread: posts the progress message when `tick.watch.messageTs` is unset
   * and returns its ts; updates that message in place otherwise (returning the same ts, or nothing).
   */
  progress(tick: WatchTick): Promise<string | undefined>;
  /**
   * A guardrail breached (once per breach episode): post in the channel with a "Request fallback" button.
   * Returns the posted message's ts (status links to it), nothing when it is queued for later.
   */
  alert(watch: WatchInfo, breach: GuardrailBreach, tick: WatchTick, note?: AlertNote): Promise<string | void>;
  /** Requests keep reaching the source proxy at weight 0: offer the approval-gated force reconnect. */
  pinned(watch: WatchInfo, pinned: PinnedConnections, tick: WatchTick): Promise<void>;
  /** The source proxy served nothing for `completeMinutes`: the source cluster can be taken offline. */
  completed(watch: WatchInfo, tick: WatchTick): Promise<void>;
  /** The listener no longer holds what the bot applied (changed outside the bot): said in the request's thread. */
  changedOutside(watch: WatchInfo, description: string): Promise<void>;
  /** The watch ended without completing (window elapsed, superseded by a newer change, stopped). */
  ended(watch: WatchInfo, reason: Exclude<WatchEndReason, 'completed'>): Promise<void>;
  log(level: 'info' | 'warn' | 'error', message: string, error?: unknown): void;
}

/**
 * Something driven by the watch's minutes (a running plan, core/plan/runner.ts): told every tick, after the judge
 * and before anything is said in Slack, so a decision that changes traffic (an automatic fallback) waits for no
 * Slack call. May throw: the watcher logs it and goes on.
 */
export interface TickObserver {
  /**
   * `changedOutside`: the listener in words when it no longer holds what the watch's change applied (undefined
   * when it does, or could not be read this minute). Returns what the breach alert must say, if anything.
   */
  onTick(watch: WatchInfo, tick: WatchTick, changedOutside: string | undefined): Promise<{ alertNote?: AlertNote } | void>;
  /**
   * When the watch's window is up (or found up after a restart): a later end if the observer still needs the
   * watch's minutes (a plan that has not ended, paused or not, must keep falling back on a breach).
   */
  watchUntil?(watch: WatchInfo, now: number): number | undefined;
}

/** What an observer did about a breach, for its alert: e.g. the automatic fallback of a plan and its outcome. */
export interface AlertNote {
  text: string;
  /** True when traffic is back on the source proxy: the alert then offers no "Request fallback". */
  fellBack: boolean;
}
