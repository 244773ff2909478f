// Builds MetricsSnapshot contents from traffic scripted per minute, the way CloudWatch answers: a minute
// without requests (or without 5xx) has no datapoint at all.
import type { WatchSettings } from '../../src/core/judge';
import type { MetricSeries, MetricsSnapshot, MetricsWindow } from '../../src/core/types';
import { MINUTE_MS } from '../../src/core/types';

export interface ScriptedSide {
  requests?: number;
  http5xx?: number;
  /** Seconds. */
  latencyAvg?: number;
  latencyP99?: number;
  /** Connections the load balancer could not open to the side's targets. */
  connectionErrors?: number;
}

export interface ScriptedMinute {
  source?: ScriptedSide;
  target?: ScriptedSide;
  activeConnections?: number;
  newConnections?: number;
  /** 5xx the load balancer answered itself. */
  elb5xx?: number;
}

export type MinuteScript = (t: number) => ScriptedMinute;

export function scripted(window: MetricsWindow, script: MinuteScript): Omit<MetricsSnapshot, 'window'> {
  const series = () => ({
    requests: [] as MetricSeries,
    http5xx: [] as MetricSeries,
    latencyAvg: [] as MetricSeries,
    latencyP99: [] as MetricSeries,
    connectionErrors: [] as MetricSeries,
  });
  const source = series();
  const target = series();
  const activeConnections: MetricSeries = [];
  const newConnections: MetricSeries = [];
  const elb5xx: MetricSeries = [];
  for (let t = window.start; t < window.end; t += MINUTE_MS) {
    const m = script(t);
    for (const [side, out] of [
      [m.source, source],
      [m.target, target],
    ] as const) {
      if (!side || !side.requests) continue; // no traffic: no datapoints
      out.requests.push({ t, v: side.requests });
      if (side.http5xx) out.http5xx.push({ t, v: side.http5xx });
      if (side.latencyAvg !== undefined) out.latencyAvg.push({ t, v: side.latencyAvg });
      if (side.latencyP99 !== undefined) out.latencyP99.push({ t, v: side.latencyP99 });
      if (side.connectionErrors) out.connectionErrors.push({ t, v: side.connectionErrors });
    }
    if (m.activeConnections) activeConnections.push({ t, v: m.activeConnections });
    if (m.newConnections) newConnections.push({ t, v: m.newConnections });
    if (m.elb5xx) elb5xx.push({ t, v: m.elb5xx });
  }
  return { source, target, loadBalancer: { activeConnections, newConnections, elb5xx }, missing: [] };
}

/** What the metrics adapter answers when CloudWatch fails: nothing fetched, said in `missing`. */
export function cloudWatchDown(reason = 'ThrottlingException: Rate exceeded'): Omit<MetricsSnapshot, 'window'> {
  return { source: {}, target: {}, loadBalancer: {}, missing: [`every metric: ${reason}`] };
}

/** The watch settings' defaults (SWITCHOVER_WATCH_MINUTES, SWITCHOVER_GUARD_*, ...), as the tests judge with them. */
export const WATCH_SETTINGS: Readonly<WatchSettings> = {
  minutes: 60,
  errorRatePoints: 1,
  p99Factor: 2,
  breachConfidence: 99,
  healthyConfidence: 95,
  completeMinutes: 5,
};
