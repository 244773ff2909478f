// The guardrails' limits on the switchover picture (status, alert, completion), drawn from the prep baseline.
import type { Baseline } from '../core/journal';
import { rounded } from './common';
import { percentText } from '../core/format';
import type { ChartLimits } from './switchover';

/**
 * The guardrails' margins over the prep baseline, in the chart's units. The judge holds a side against its
 * reference (below 100 %, the source in the same minutes), so these lines say where the margin lies against
 * the baseline, labelled as such, not the judge's exact bound.
 */
export function guardrailLimits(baseline: Baseline | undefined, margins: { errorRatePoints: number; p99Factor: number }): ChartLimits {
  if (!baseline || baseline.minutesWithTraffic === 0) return {};
  const limits: ChartLimits = {};
  if (baseline.errorRate5xx !== null) {
    const value = rounded(baseline.errorRate5xx * 100 + margins.errorRatePoints, 2);
    limits.errors = { value, label: `baseline + ${margins.errorRatePoints} pt = ${percentText(value)}` };
  }
  if (baseline.latencyP99 !== null) {
    const value = Math.round(baseline.latencyP99 * 1000 * margins.p99Factor);
    limits.p99 = { value, label: `baseline × ${margins.p99Factor} = ${value} ms` };
  }
  return limits;
}
