// `/switchover status <stage>`'s picture: the switchover chart over the status window (the last 60 minutes),
// with the applied changes marked and the guardrails' limits drawn from the prep baseline.
import type { Baseline } from '../core/journal';
import type { ChartSpec } from '../core/ports';
import type { MetricsSnapshot } from '../core/types';
import { rounded } from './common';
import { percentText, switchoverChart, type ChartChange, type ChartLimits } from './switchover';

export type { ChartChange };

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

export interface StatusChartInput {
  stage: string;
  snapshot: MetricsSnapshot;
  changes: ChartChange[];
  configuredPercent?: number;
  limits?: ChartLimits;
}

/** The status picture; none when CloudWatch had no requests at all in the window. */
export function statusCharts(input: StatusChartInput): ChartSpec[] {
  const chart = switchoverChart({ ...input, moment: 'status' });
  return chart ? [chart] : [];
}
