// What the judge is told by the operator: the margins a shift may cost and how sure each verdict must be.
// Defined here so the core never reads configuration; config.ts maps the environment onto it.

export interface JudgeSettings {
  /** SWITCHOVER_GUARD_5XX_POINTS: how many percentage points of 5xx the target may add before it is a breach. */
  errorRatePoints: number;
  /** SWITCHOVER_GUARD_P99_FACTOR: how many times the reference's p99 the target's may reach. */
  p99Factor: number;
  /** SWITCHOVER_BREACH_CONFIDENCE: percent, e.g. 99. How sure the judge must be to call a breach. */
  breachConfidence: number;
  /** SWITCHOVER_HEALTHY_CONFIDENCE: percent, e.g. 95. How sure it must be to call the target healthy. */
  healthyConfidence: number;
}

/** The watch after a change: the judge's settings plus how long to watch and when a switchover is complete. */
export interface WatchSettings extends JudgeSettings {
  /** SWITCHOVER_WATCH_MINUTES. */
  minutes: number;
  /** SWITCHOVER_COMPLETE_MINUTES: minutes without source requests after a 100% shift. */
  completeMinutes: number;
  /**
   * SWITCHOVER_MIN_REQUESTS_PER_MINUTE: a minute counts toward completion only when the target (or the load
   * balancer) carried at least this many requests; a quiet source is evidence only while traffic flows. Default 20.
   */
  minRequestsPerMinute?: number;
}

export const DEFAULT_JUDGE_SETTINGS: Readonly<JudgeSettings> = {
  errorRatePoints: 1,
  p99Factor: 2,
  breachConfidence: 99,
  healthyConfidence: 95,
};

/** The chance of error a verdict may carry: 1 - confidence. */
export function alphaOf(confidencePercent: number): number {
  return 1 - confidencePercent / 100;
}

/**
 * The multiple looks of the breach scan: each tick tests the windows of the last 1, 2, 3, ... minutes.
 * The k-minute window is tested at alpha / (k (k + 1)); these weights add up to 1 over all k (1/2 + 1/6 +
 * 1/12 + ... telescopes to 1), so by Bonferroni's inequality (with unequal weights) the chance that any
 * window of one tick shows a false breach stays below alpha, however long the watch. Short windows get the
 * largest share: a 20 % error rate shows within a minute or two; a subtle rise needs the longer windows.
 * The latency test starts at 3 minutes, so its weights are scaled by 3.
 */
export function breachAlphaForWindow(alpha: number, minutes: number, shortest = 1): number {
  // A test whose shortest window is `shortest` minutes gives it the share of those below: the weights from
  // `shortest` on add up to 1 / shortest.
  return (alpha * shortest) / (minutes * (minutes + 1));
}
