// Per-minute figures of each side of the switchover, read from a MetricsSnapshot, and the traffic split
// actually observed (as opposed to the one the weights ask for). Pure: no ports, no clock.
//
// CloudWatch sends no datapoint for a minute without traffic: a fetched series with no point for a minute
// means 0 requests (and 0 errors) in that minute. A series that is absent from the snapshot was not fetched
// (CloudWatch failed): that is "unknown", which is never read as zero.
import type { MetricPoint, MetricSeries, MetricsSnapshot, MetricsWindow, Side } from './types';
import { MINUTE_MS } from './types';
import { targetPercent } from './weights';

/**
 * Default of how long after a minute ends its ALB datapoints are read (SWITCHOVER_SETTLE_SECONDS). AWS documents
 * that ALB metrics are sent in 60-second intervals and that CloudWatch data is generally available within one
 * minute of the end of its period (README, Settings): "generally", so the newest minute read may still be
 * partial, and is judged on rates (shares, error rates), which a partial minute keeps, not on counts.
 */
export const DEFAULT_SETTLE_MS = 60_000;

/** The `minutes` complete minutes that ended at least `settleMs` before `now`. */
export function settledWindow(now: number, minutes: number, settleMs = DEFAULT_SETTLE_MS): MetricsWindow {
  const end = Math.floor((now - settleMs) / MINUTE_MS) * MINUTE_MS;
  return { start: end - minutes * MINUTE_MS, end };
}

/** The first moment after `now` when another minute has settled: where the watch ticks. */
export function nextSettledMoment(now: number, settleMs = DEFAULT_SETTLE_MS): number {
  return settledWindow(now, 0, settleMs).end + MINUTE_MS + settleMs;
}

/** Status and the watch read the observed split over the settled minutes since the last change, this many at most. */
export const RECENT_MINUTES = 5;

/**
 * The newest `minutes` settled minutes ending at `end`, none before `firstFull` (the first minute entirely under
 * the newest weights): empty (start = end) while that minute has not settled. Status and the watch read the
 * observed split over it, so it never straddles a change of weights.
 */
export function recentWindowSince(end: number, firstFull: number, minutes: number): MetricsWindow {
  return { start: Math.min(end, Math.max(firstFull, end - minutes * MINUTE_MS)), end };
}

/** One side (source or target proxy target group) in one complete minute. */
export interface MinuteFigures {
  /** Minute start (epoch ms). */
  t: number;
  /** Requests; null when the requests series could not be fetched. */
  requests: number | null;
  /** 5xx responses from the targets; null when unknown. */
  http5xx: number | null;
  /** 5xx per request, 0..1; null when unknown or without requests. */
  errorRate5xx: number | null;
  /** Seconds; null without data. */
  latencyAvg: number | null;
  latencyP99: number | null;
  /** Connections the load balancer could not open to the group's targets; null when unknown. */
  connectionErrors: number | null;
}

function valueAt(series: MetricSeries | undefined, t: number): number | null | undefined {
  if (series === undefined) return undefined; // not fetched
  const point = series.find((p: MetricPoint) => p.t === t);
  return point ? point.v : null; // null: no datapoint
}

/** A count series at a minute: 0 without a datapoint (no traffic), null when the series was not fetched. */
export function countAt(series: MetricSeries | undefined, t: number): number | null {
  return series === undefined ? null : (valueAt(series, t) ?? 0);
}

/** Figures of one side for the minute starting at `t`. */
export function sideMinute(snapshot: MetricsSnapshot, side: Side, t: number): MinuteFigures {
  const metrics = snapshot[side];
  const requests = countAt(metrics.requests, t);
  // 5xx is only meaningful alongside a known request count.
  const http5xx = requests === null ? null : countAt(metrics.http5xx, t);
  const errorRate5xx = http5xx !== null && requests !== null && requests > 0 ? http5xx / requests : null;
  return {
    t,
    requests,
    http5xx,
    errorRate5xx,
    latencyAvg: valueAt(metrics.latencyAvg, t) ?? null,
    latencyP99: valueAt(metrics.latencyP99, t) ?? null,
    connectionErrors: requests === null ? null : countAt(metrics.connectionErrors, t),
  };
}

/** Minute starts of a window, oldest first. */
export function minutesOf(window: MetricsWindow): number[] {
  const out: number[] = [];
  for (let t = window.start; t < window.end; t += MINUTE_MS) out.push(t);
  return out;
}

/** A side over several minutes (requests, 5xx and their rate as a minute's, summed). */
export interface SideTotals extends Pick<MinuteFigures, 'requests' | 'http5xx' | 'errorRate5xx'> {
  minutes: number;
  requestsPerMinute: number | null;
  /** Request-weighted mean of the per-minute averages (seconds). */
  latencyAvg: number | null;
  /**
   * Median of the per-minute p99s (seconds), minutes with data only. Percentiles do not add up; this is
   * how the prep baseline (core/baseline.ts) takes it, so the two compare.
   */
  latencyP99: number | null;
}

function weightedMean(minutes: MinuteFigures[], pick: (m: MinuteFigures) => number | null): number | null {
  let sum = 0;
  let weight = 0;
  for (const m of minutes) {
    const v = pick(m);
    if (v === null) continue;
    const w = m.requests && m.requests > 0 ? m.requests : 1;
    sum += v * w;
    weight += w;
  }
  return weight > 0 ? sum / weight : null;
}

/** The middle value (mean of the two middle ones for an even count); null for none. Prep's baseline takes p99 the same way. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function sideTotals(snapshot: MetricsSnapshot, side: Side, window: MetricsWindow = snapshot.window): SideTotals {
  const minutes = minutesOf(window).map((t) => sideMinute(snapshot, side, t));
  const count = minutes.length;
  const known = minutes.every((m) => m.requests !== null);
  const requests = known ? minutes.reduce((s, m) => s + (m.requests ?? 0), 0) : null;
  const errorsKnown = known && minutes.every((m) => m.http5xx !== null);
  const http5xx = errorsKnown ? minutes.reduce((s, m) => s + (m.http5xx ?? 0), 0) : null;
  return {
    minutes: count,
    requests,
    requestsPerMinute: requests !== null && count > 0 ? requests / count : null,
    http5xx,
    errorRate5xx: http5xx !== null && requests !== null && requests > 0 ? http5xx / requests : null,
    latencyAvg: weightedMean(minutes, (m) => m.latencyAvg),
    latencyP99: median(minutes.map((m) => m.latencyP99).filter((v): v is number => v !== null)),
  };
}

/** The split of requests between the two proxy target groups over some minutes. */
export interface ObservedSplit {
  window: MetricsWindow;
  sourceRequests: number | null;
  targetRequests: number | null;
  /** Share of requests served by the target proxy, 0-100 (one decimal); null when unknown or no traffic. */
  targetPercent: number | null;
}

export function observedSplit(snapshot: MetricsSnapshot, window: MetricsWindow): ObservedSplit {
  return splitOf(window, sideTotals(snapshot, 'source', window).requests, sideTotals(snapshot, 'target', window).requests);
}

/** The split of the two sides' request counts over `window`, for a caller that has them already. */
export function splitOf(window: MetricsWindow, source: number | null, target: number | null): ObservedSplit {
  const targetShare = source === null || target === null || source + target === 0 ? null : targetPercent({ source, target });
  return { window, sourceRequests: source, targetRequests: target, targetPercent: targetShare };
}

/** Whether CloudWatch holds any datapoint at all for the minute (any series, either side or the load balancer). */
export function hasAnyDatapoint(snapshot: MetricsSnapshot, t: number): boolean {
  return [snapshot.source, snapshot.target, snapshot.loadBalancer].some((group) =>
    Object.values(group).some((series) => series?.some((p) => p.t === t)),
  );
}

/**
 * When every series of the window is empty (none failed, yet no minute has a single datapoint anywhere: the
 * load balancer sends nothing without traffic, and a publishing gap looks the same), the start of the window:
 * "no data since" it. Otherwise, when the newest minutes have no datapoint anywhere, the end of the newest
 * minute that has one. undefined when the newest minute has data.
 */
export function noDataSince(snapshot: MetricsSnapshot, window: MetricsWindow = snapshot.window): number | undefined {
  const minutes = minutesOf(window);
  if (minutes.length === 0) return undefined;
  for (let i = minutes.length - 1; i >= 0; i--) {
    if (hasAnyDatapoint(snapshot, minutes[i]!)) return i === minutes.length - 1 ? undefined : minutes[i]! + MINUTE_MS;
  }
  return window.start;
}

/** Minutes of the window in which either proxy group (or the load balancer itself) answered requests. */
export function minutesWithTraffic(snapshot: MetricsSnapshot, window: MetricsWindow = snapshot.window): number[] {
  const busy = (series: MetricSeries | undefined, t: number) => (series?.find((p) => p.t === t)?.v ?? 0) > 0;
  return minutesOf(window).filter(
    (t) => busy(snapshot.source.requests, t) || busy(snapshot.target.requests, t) || busy(snapshot.loadBalancer.elb5xx, t),
  );
}

/**
 * Per-minute average of a load balancer count (connections) over the minutes with traffic, the same rule for
 * the prep baseline, status and the watch, so they compare like with like. A minute with traffic and no
 * datapoint counts as 0 (CloudWatch sends none for a zero count); minutes without traffic are left out.
 * null when the series could not be fetched or no minute had traffic.
 */
export function loadBalancerAverage(
  snapshot: MetricsSnapshot,
  metric: 'activeConnections' | 'newConnections' | 'elb5xx',
  window: MetricsWindow = snapshot.window,
): number | null {
  const series = snapshot.loadBalancer[metric];
  const busy = minutesWithTraffic(snapshot, window);
  if (series === undefined || busy.length === 0) return null;
  return busy.reduce((s, t) => s + (series.find((p) => p.t === t)?.v ?? 0), 0) / busy.length;
}

/** The first minute entirely under new weights applied at `appliedAt`: the watch and status count from here. */
export function firstFullMinute(appliedAt: number): number {
  return Math.ceil(appliedAt / MINUTE_MS) * MINUTE_MS;
}
