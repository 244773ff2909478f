// Shared pieces of the chart specifications: the window's minutes and series aligned to them, with gaps for
// minutes without data. Pure data; rendering is the ChartRenderer's job.
import { minutesOf } from '../core/traffic';
import { MINUTE_MS, type MetricSeries, type MetricsWindow } from '../core/types';

/** `value` rounded to `digits` decimals (chart data and labels stay short). */
export function rounded(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Values of a series aligned to the window's minutes; a minute without a datapoint is null, which Chart.js
 * draws as a gap (CloudWatch sends nothing while no traffic flows: that is not a zero).
 */
export function alignToMinutes(series: MetricSeries | undefined, window: MetricsWindow, scale = 1): (number | null)[] {
  const byMinute = new Map<number, number>();
  for (const p of series ?? []) byMinute.set(Math.floor(p.t / MINUTE_MS) * MINUTE_MS, p.v * scale);
  return minutesOf(window).map((t) => byMinute.get(t) ?? null);
}

/** True when at least one minute has a value. */
export function hasData(values: (number | null)[]): boolean {
  return values.some((v) => v !== null);
}
