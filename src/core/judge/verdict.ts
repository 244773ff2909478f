// The judge's public output: one verdict per signal, with the numbers it rests on and a sentence saying it.
// Status, the watch's progress message, the guardrail alert and the charts render these; none recomputes them.
import { MINUTE_MS } from '../types';

/**
 * - breach: confident (SWITCHOVER_BREACH_CONFIDENCE) the judged side is worse than its reference by more
 *   than the margin;
 * - healthy: confident (SWITCHOVER_HEALTHY_CONFIDENCE) it is not worse by more than the margin
 *   (non-inferiority);
 * - inconclusive: the data cannot tell yet (never a pass); `needed` says what would settle it;
 * - no-data: the figures could not be read (CloudWatch failed), never read as zero.
 */
export type Verdict = 'breach' | 'healthy' | 'inconclusive' | 'no-data';

/** The signals judged after a shift. 'error-rate' is the judged side's own 5xx (the name journals use). */
export type SignalName = 'error-rate' | 'elb-5xx' | 'connection-errors' | 'p99-latency';

/** What a signal is compared with. */
export type ReferenceKind = 'source-same-minutes' | 'baseline' | 'before-change' | 'none';

/** Events (5xx, connection errors) among requests. */
export interface Counts {
  events: number;
  requests: number;
}

export interface Window {
  /** Start of the first minute (epoch ms). */
  start: number;
  /** End of the last minute (epoch ms, exclusive). */
  end: number;
  minutes: number;
}

/** The window of some minutes, oldest first (at least one). */
export function windowOf(minutes: readonly { t: number }[]): Window {
  return { start: minutes[0]!.t, end: minutes[minutes.length - 1]!.t + MINUTE_MS, minutes: minutes.length };
}

/** What more would settle an inconclusive verdict, if the rates seen so far hold. */
export interface Needed {
  /** The verdict the extra data would most likely give. */
  toShow: 'healthy' | 'breach';
  /** Further minutes at the traffic seen so far; null when beyond any useful time. */
  minutes: number | null;
  /** Further requests on the judged side (count signals). */
  requests?: number;
}

interface VerdictBase {
  signal: SignalName;
  verdict: Verdict;
  reference: ReferenceKind;
  /** The minutes the verdict rests on: the shortest that shows a breach, else all since the change. */
  window: Window | null;
  /** Percent the verdict holds at (breach and healthy only). */
  confidence: number | null;
  needed?: Needed;
  /** The verdict in a sentence, with its numbers. */
  text: string;
}

export interface CountVerdict extends VerdictBase {
  kind: 'count';
  subject: Counts | null;
  /** null when held against 0 % (nothing to compare with) or unknown. */
  referenceCounts: Counts | null;
}

export interface LatencyVerdict extends VerdictBase {
  kind: 'latency';
  /** Median of the judged side's per-minute p99s in the window (seconds), and how many minutes. */
  subjectP99: number | null;
  subjectMinutes: number;
  /** Median of the reference's per-minute p99s (seconds), before the tolerance factor. */
  referenceP99: number | null;
  referenceMinutes: number;
  /** The rank test's one-sided p-value for the verdict reached (or the nearer one when inconclusive). */
  p: number | null;
  /**
   * Inconclusive because most minutes carry fewer than 100 requests on the judged side (MIN_REQUESTS_FOR_P99),
   * whose p99 can show a breach but never health: more minutes at this traffic would not settle it.
   */
  lowVolume?: true;
}

export type SignalVerdict = CountVerdict | LatencyVerdict;
