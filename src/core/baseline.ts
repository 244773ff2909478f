// The source proxy's normal behaviour over the prep window (runbook steps 4-6), as the numbers a shift is
// judged against. CloudWatch sends no datapoint for a minute without traffic, so an absent minute is
// "no traffic" and is left out of every average: it is never counted as a zero.
import type { Baseline } from './journal';
import { loadBalancerAverage, median } from './traffic';
import type { MetricSeries, MetricsSnapshot, MetricsWindow } from './types';

function inWindow(series: MetricSeries | undefined, window: MetricsWindow): MetricSeries {
  return (series ?? []).filter((p) => p.t >= window.start && p.t < window.end && Number.isFinite(p.v));
}

function sum(series: MetricSeries): number {
  return series.reduce((total, p) => total + p.v, 0);
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Baseline of the source proxy group (and the load balancer's connections) from one snapshot.
 *
 * - requestsPerMinute: total requests / minutes with traffic.
 * - http2xx..http5xx: totals over the window; errorRate5xx = 5xx / requests (null without traffic). The
 *   watch judges 5xx on these counts (requests = requestsPerMinute x minutesWithTraffic), not on the rate.
 * - latencyAvg: per-minute averages weighted by that minute's requests (a quiet minute must not weigh
 *   as much as a busy one); a plain mean only when request counts are missing.
 * - latencyP99: the MEDIAN of the per-minute p99s. Status sets the target's p99 against it, so it must
 *   describe a typical minute: the max would let one slow minute (a GC pause, a cold cache) set the bar
 *   so high that a real regression passes unnoticed.
 * - latencyP99Minutes: the per-minute p99s themselves, the sample the watch's rank test compares with.
 * - activeConnections / newConnections: per-minute averages over the minutes with traffic, as status and the
 *   watch take them (traffic.ts loadBalancerAverage).
 */
export function computeBaseline(snapshot: MetricsSnapshot): Baseline {
  const { window, source } = snapshot;
  const requests = inWindow(source.requests, window).filter((p) => p.v > 0);
  const totalRequests = sum(requests);
  const requestsAt = new Map(requests.map((p) => [p.t, p.v]));

  const latencyAvgPoints = inWindow(source.latencyAvg, window);
  const weighted = latencyAvgPoints.filter((p) => requestsAt.has(p.t));
  let latencyAvg: number | null;
  if (weighted.length > 0) {
    const weight = weighted.reduce((total, p) => total + requestsAt.get(p.t)!, 0);
    latencyAvg = weighted.reduce((total, p) => total + p.v * requestsAt.get(p.t)!, 0) / weight;
  } else {
    latencyAvg = mean(latencyAvgPoints.map((p) => p.v));
  }

  const http5xx = sum(inWindow(source.http5xx, window));
  return {
    start: window.start,
    end: window.end,
    minutesWithTraffic: requests.length,
    requestsPerMinute: requests.length === 0 ? 0 : totalRequests / requests.length,
    http2xx: sum(inWindow(source.http2xx, window)),
    http3xx: sum(inWindow(source.http3xx, window)),
    http4xx: sum(inWindow(source.http4xx, window)),
    http5xx,
    errorRate5xx: totalRequests > 0 ? http5xx / totalRequests : null,
    latencyAvg,
    latencyP99: median(inWindow(source.latencyP99, window).map((p) => p.v)),
    latencyP99Minutes: inWindow(source.latencyP99, window).map((p) => p.v),
    activeConnections: loadBalancerAverage(snapshot, 'activeConnections', window),
    newConnections: loadBalancerAverage(snapshot, 'newConnections', window),
    missing: [...snapshot.missing],
  };
}

export type ConnectionReuseReading = 'low' | 'moderate' | 'high';

export interface ConnectionReuse {
  /** Average requests per new connection; null when no new connection was opened while traffic flowed. */
  requestsPerNewConnection: number | null;
  reading: ConnectionReuseReading;
  /** One sentence for the summary: the figure and what it means for the switchover. */
  text: string;
}

/**
 * Thresholds, in requests per new connection:
 * - below 2 ("low"): clients open a connection for nearly every request, so a weight change moves
 *   traffic almost at once;
 * - 2 to 20 ("moderate"): some keep-alive; traffic follows the weights over minutes as connections recycle;
 * - 20 and above ("high"): clients keep connections open; they stay on the source proxy after a shift
 *   until they reconnect (a capture proxy restart forces that).
 * Connections are per load balancer (CloudWatch has no per-target-group figure), so this is an estimate.
 */
export const REUSE_MODERATE_FROM = 2;
export const REUSE_HIGH_FROM = 20;

function round(value: number): string {
  return value >= 10 ? String(Math.round(value)) : String(Math.round(value * 10) / 10);
}

/** The runbook's step 4 reading ("big discrepancies can indicate reused connections"); undefined without data. */
export function connectionReuse(baseline: Baseline): ConnectionReuse | undefined {
  if (baseline.minutesWithTraffic === 0 || baseline.newConnections === null) return undefined;
  const active =
    baseline.activeConnections === null ? '' : ` (${round(baseline.activeConnections)} active vs ${round(baseline.newConnections)} new connections per minute)`;
  if (baseline.newConnections <= 0) {
    const figure = `no new connections while ${round(baseline.requestsPerMinute)} requests per minute flowed${active}`;
    return { requestsPerNewConnection: null, reading: 'high', text: `${figure}: ${READING_WORDS.high}` };
  }
  const ratio = baseline.requestsPerMinute / baseline.newConnections;
  const figure = `about ${round(ratio)} request${round(ratio) === '1' ? '' : 's'} per new connection${active}`;
  const reading = ratio >= REUSE_HIGH_FROM ? 'high' : ratio >= REUSE_MODERATE_FROM ? 'moderate' : 'low';
  return { requestsPerNewConnection: ratio, reading, text: `${figure}: ${READING_WORDS[reading]}` };
}

const READING_WORDS: Record<ConnectionReuseReading, string> = {
  high: 'clients keep connections open; after the shift they stay on the source proxy until they reconnect',
  moderate: 'some connections are reused; traffic follows the new weights over minutes as clients reconnect',
  low: 'clients open new connections often; traffic follows the new weights almost at once',
};
