// A switchover as CloudWatch shows it, for the chart tests: 60 minutes from 11:00 UTC.
import type { ChartChange } from '../../src/charts/switchover';
import type { Baseline, JournalRecord } from '../../src/core/journal';
import { MINUTE_MS, type MetricsSnapshot } from '../../src/core/types';

const START = Date.UTC(2026, 0, 1, 11, 0);
export const at = (m: number) => START + m * MINUTE_MS;
const series = (from: number, to: number, v: (m: number) => number) =>
  Array.from({ length: to - from }, (_, i) => ({ t: at(from + i), v: v(from + i) }));

/** 60 minutes: all on the source, 10% on the target from minute 20, 100% from 40; target 5xx jumps at 50. */
export function switchoverSnapshot(): MetricsSnapshot {
  const share = (m: number) => (m < 20 ? 0 : m < 40 ? 0.1 : 1);
  return {
    window: { start: at(0), end: at(60) },
    source: {
      requests: series(0, 40, (m) => 1000 * (1 - share(m))),
      http5xx: series(0, 40, () => 2),
      latencyP99: series(0, 40, () => 0.16),
    },
    target: {
      requests: series(20, 60, (m) => 1000 * share(m)),
      http5xx: series(20, 60, (m) => (m >= 50 ? 60 : 1)),
      latencyP99: series(20, 60, () => 0.2),
    },
    loadBalancer: {},
    missing: [],
  };
}

export const CHANGES: ChartChange[] = [
  { at: at(20) + 5000, label: 'shift 10%', targetPercent: { before: 0, after: 10 } },
  { at: at(40) + 5000, label: 'shift 100%', targetPercent: { before: 10, after: 100 } },
];

const iso = (t: number) => new Date(t).toISOString();

/** The journal of the switchover above: prep's baseline at 10:50, then CHANGES applied (10%, then 100%). */
export function switchoverJournal(stage = 'dev'): JournalRecord[] {
  const baseline: Baseline = {
    start: at(-40),
    end: at(-10),
    minutesWithTraffic: 30,
    requestsPerMinute: 1000,
    http2xx: 998,
    http3xx: 0,
    http4xx: 0,
    http5xx: 2,
    errorRate5xx: 0.002,
    latencyAvg: 0.05,
    latencyP99: 0.16,
    activeConnections: 40,
    newConnections: 2,
    missing: [],
  };
  const records: JournalRecord[] = [{ type: 'prep.baseline', at: iso(at(-10)), stage, by: 'U0ALICE', baseline }];
  CHANGES.forEach((c, i) => {
    const requestId = `r-chart${i}`;
    const weights = (p: number) => ({ source: 100 - p, target: p });
    records.push(
      {
        type: 'request.created',
        at: iso(c.at - 60_000),
        stage,
        requestId,
        kind: 'shift',
        requester: 'U0ALICE',
        channel: 'C0SWITCH',
        from: weights(c.targetPercent!.before!),
        to: weights(c.targetPercent!.after),
        percent: c.targetPercent!.after,
        expiresAt: iso(c.at + 3_600_000),
      },
      { type: 'request.applied', at: iso(c.at), stage, requestId, before: weights(c.targetPercent!.before!), after: weights(c.targetPercent!.after) },
    );
  });
  return records;
}
