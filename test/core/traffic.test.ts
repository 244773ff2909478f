import { loadBalancerAverage, nextSettledMoment, noDataSince, observedSplit, settledWindow, sideMinute, sideTotals } from '../../src/core/traffic';
import type { MetricsSnapshot } from '../../src/core/types';
import { MINUTE_MS } from '../../src/core/types';
import { scripted } from '../support/traffic-script';

/** The last `minutes` minutes of the snapshot's window. */
const lastMinutes = (s: MetricsSnapshot, minutes: number) => ({ start: Math.max(s.window.start, s.window.end - minutes * MINUTE_MS), end: s.window.end });

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const window = { start: T0, end: T0 + 10 * MINUTE_MS };

function snapshot(script: Parameters<typeof scripted>[1]): MetricsSnapshot {
  return { ...scripted(window, script), window };
}

describe('settledWindow', () => {
  it('ends at the newest minute that ended at least the lag ago (60 s by default)', () => {
    expect(settledWindow(T0 + 60_000, 60)).toEqual({ start: T0 - 60 * MINUTE_MS, end: T0 });
    expect(settledWindow(T0 + 59_999, 5)).toEqual({ start: T0 - 6 * MINUTE_MS, end: T0 - MINUTE_MS });
    expect(settledWindow(T0 + 90_000, 60, 90_000)).toEqual({ start: T0 - 60 * MINUTE_MS, end: T0 });
    expect(settledWindow(T0 + 89_999, 5, 90_000)).toEqual({ start: T0 - 6 * MINUTE_MS, end: T0 - MINUTE_MS });
  });

  it('gives the next moment another minute settles, strictly after now', () => {
    expect(nextSettledMoment(T0, 60_000)).toBe(T0 + MINUTE_MS);
    expect(nextSettledMoment(T0 + 1, 60_000)).toBe(T0 + MINUTE_MS);
    expect(nextSettledMoment(T0, 90_000)).toBe(T0 + 30_000);
    expect(nextSettledMoment(T0 + 30_000, 90_000)).toBe(T0 + 90_000);
  });
});

describe('sideMinute', () => {
  it('reads a minute without a datapoint as no traffic, and an unfetched series as unknown', () => {
    const s = snapshot((t) => (t === T0 ? { source: { requests: 200, http5xx: 4, latencyAvg: 0.01, latencyP99: 0.08 } } : {}));
    expect(sideMinute(s, 'source', T0)).toMatchObject({ t: T0, requests: 200, http5xx: 4, errorRate5xx: 0.02, latencyAvg: 0.01, latencyP99: 0.08 });
    expect(sideMinute(s, 'source', T0 + MINUTE_MS)).toMatchObject({ requests: 0, http5xx: 0, errorRate5xx: null });
    const failed: MetricsSnapshot = { window, source: {}, target: {}, loadBalancer: {}, missing: ['requests: AccessDenied'] };
    expect(sideMinute(failed, 'target', T0)).toMatchObject({ requests: null, http5xx: null, errorRate5xx: null });
  });
});

describe('observedSplit', () => {
  it('measures the split over the last complete minutes only', () => {
    const s = snapshot((t) =>
      t < T0 + 5 * MINUTE_MS ? { source: { requests: 100 } } : { source: { requests: 90 }, target: { requests: 10 } },
    );
    const split = observedSplit(s, lastMinutes(s, 5));
    expect(split).toMatchObject({ sourceRequests: 450, targetRequests: 50, targetPercent: 10 });
    expect(split.window).toEqual({ start: T0 + 5 * MINUTE_MS, end: T0 + 10 * MINUTE_MS });
  });

  it('has no percentage without traffic or without the requests series', () => {
    expect(observedSplit(snapshot(() => ({})), window).targetPercent).toBeNull();
    const failed: MetricsSnapshot = { window, source: {}, target: {}, loadBalancer: {}, missing: ['x'] };
    expect(observedSplit(failed, lastMinutes(failed, 5))).toMatchObject({ sourceRequests: null, targetRequests: null, targetPercent: null });
  });
});

describe('sideTotals', () => {
  it('weights the average latency by requests and takes the median of per-minute p99s', () => {
    const s = snapshot((t) => {
      const i = (t - T0) / MINUTE_MS;
      if (i === 7) return { target: { requests: 300, http5xx: 3, latencyAvg: 0.01, latencyP99: 0.05 } };
      if (i === 8) return { target: { requests: 100, http5xx: 1, latencyAvg: 0.05, latencyP99: 0.5 } };
      if (i === 9) return { target: { requests: 100, latencyAvg: 0.03, latencyP99: 0.07 } };
      return {};
    });
    const totals = sideTotals(s, 'target', lastMinutes(s, 5));
    expect(totals.minutes).toBe(5);
    expect(totals.requests).toBe(500);
    expect(totals.requestsPerMinute).toBe(100);
    expect(totals.http5xx).toBe(4);
    expect(totals.errorRate5xx).toBeCloseTo(0.008);
    expect(totals.latencyAvg).toBeCloseTo((300 * 0.01 + 100 * 0.05 + 100 * 0.03) / 500);
    expect(totals.latencyP99).toBeCloseTo(0.07);
  });
});

describe('loadBalancerAverage', () => {
  it('averages over the minutes with traffic, a minute with traffic and no datapoint counting as zero connections', () => {
    const s = snapshot((t) =>
      t >= T0 + 6 * MINUTE_MS ? { source: { requests: 100 }, ...(t >= T0 + 8 * MINUTE_MS ? { activeConnections: 50, newConnections: 5 } : {}) } : {},
    );
    // Minutes 6-9 carry traffic; 8 and 9 have 50 active connections: (0 + 0 + 50 + 50) / 4.
    expect(loadBalancerAverage(s, 'activeConnections', lastMinutes(s, 4))).toBe(25);
    // Minutes 4-5 carried none: left out, as the prep baseline leaves them out.
    expect(loadBalancerAverage(s, 'activeConnections', lastMinutes(s, 6))).toBe(25);
    expect(loadBalancerAverage({ ...s, loadBalancer: {} }, 'newConnections')).toBeNull();
  });
});

describe('noDataSince', () => {
  it('is the end of the newest minute with any datapoint, the window start when none has one, undefined when the newest has data', () => {
    const recent = snapshot((t) => (t < T0 + 7 * MINUTE_MS ? { target: { requests: 100 } } : {}));
    expect(noDataSince(recent)).toBe(T0 + 7 * MINUTE_MS);
    expect(noDataSince(snapshot(() => ({})))).toBe(window.start);
    expect(noDataSince(snapshot(() => ({ activeConnections: 3 })))).toBeUndefined();
  });
});
