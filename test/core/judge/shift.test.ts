import type { Baseline } from '../../../src/core/journal';
import { judgeShift, type ShiftMinutes } from '../../../src/core/judge';
import type { MetricsSnapshot } from '../../../src/core/types';
import { scripted, WATCH_SETTINGS as settings, type MinuteScript } from '../../support/traffic-script';

const MINUTE = 60_000;
const CHANGE = Date.UTC(2026, 0, 1, 12, 10, 0);
const WINDOW = { start: CHANGE - 10 * MINUTE, end: CHANGE + 10 * MINUTE };

function shift(script: MinuteScript, options: Partial<ShiftMinutes> = {}, lb?: MetricsSnapshot['loadBalancer']): ShiftMinutes {
  const snapshot: MetricsSnapshot = { window: WINDOW, ...scripted(WINDOW, script) };
  if (lb) snapshot.loadBalancer = { ...snapshot.loadBalancer, ...lb };
  const minutes: number[] = [];
  for (let t = WINDOW.start; t < WINDOW.end; t += MINUTE) minutes.push(t);
  return {
    snapshot,
    after: minutes.filter((t) => t >= CHANGE),
    before: minutes.filter((t) => t < CHANGE),
    subject: 'target',
    sameMinutes: true,
    baseline: undefined,
    ...options,
  };
}

const BASELINE: Baseline = {
  start: 0,
  end: 30 * MINUTE,
  minutesWithTraffic: 30,
  requestsPerMinute: 1000,
  http2xx: 29_000,
  http3xx: 0,
  http4xx: 0,
  http5xx: 60,
  errorRate5xx: 0.002,
  latencyAvg: 0.05,
  latencyP99: 0.2,
  latencyP99Minutes: Array.from({ length: 30 }, (_, i) => 0.18 + (i % 5) * 0.01),
  activeConnections: null,
  newConnections: null,
  missing: [],
};

const split: MinuteScript = (t) =>
  t < CHANGE
    ? { source: { requests: 1000, http5xx: 2, latencyP99: 0.2 } }
    : { source: { requests: 900, http5xx: 2, latencyP99: 0.2 }, target: { requests: 100, http5xx: 0, latencyP99: 0.16 } };
const allToTarget: MinuteScript = (t) =>
  t < CHANGE ? { source: { requests: 1000, http5xx: 2, latencyP99: 0.2 } } : { target: { requests: 1000, http5xx: 40, latencyP99: 0.17 } };

describe('judgeShift', () => {
  it('judges 5xx, load-balancer 5xx and p99, target against the source in the same minutes while both carry traffic', () => {
    const verdicts = judgeShift(shift(split), settings);
    expect(verdicts.map((v) => [v.signal, v.reference])).toEqual([
      ['error-rate', 'source-same-minutes'],
      ['connection-errors', 'source-same-minutes'],
      ['elb-5xx', 'before-change'],
      ['p99-latency', 'source-same-minutes'],
    ]);
    expect(verdicts[0]).toMatchObject({ kind: 'count', subject: { events: 0, requests: 1000 }, referenceCounts: { events: 20, requests: 9000 } });
  });

  it('at 100% judges against the prep baseline counts and p99 minutes', () => {
    const [errors, , , p99] = judgeShift(shift(allToTarget, { sameMinutes: false, baseline: BASELINE }), settings);
    expect(errors).toMatchObject({ verdict: 'breach', reference: 'baseline', referenceCounts: { events: 60, requests: 30_000 } });
    expect(p99).toMatchObject({ reference: 'baseline', referenceMinutes: 30, verdict: 'healthy' });
  });

  it("keeps reading a baseline journaled before it kept p99 minutes: p99 then against the source's minutes before the change", () => {
    const { latencyP99Minutes: _, ...old } = BASELINE;
    const [errors, , , p99] = judgeShift(shift(allToTarget, { sameMinutes: false, baseline: old }), settings);
    expect(errors!.reference).toBe('baseline');
    expect(p99).toMatchObject({ reference: 'before-change', referenceMinutes: 10 });
  });

  it('does not trust a baseline record that is not what it should be: wrong types fall back to the minutes before the change', () => {
    const corrupt = { ...BASELINE, http5xx: 'many', latencyP99Minutes: 'slow' } as unknown as Baseline;
    const [errors, , , p99] = judgeShift(shift(allToTarget, { sameMinutes: false, baseline: corrupt }), settings);
    expect(errors).toMatchObject({ reference: 'before-change' });
    expect(p99).toMatchObject({ reference: 'before-change' });
  });

  it("without a baseline uses the source's minutes before the change, and with nothing holds 5xx against 0 %", () => {
    const [errors] = judgeShift(shift(allToTarget, { sameMinutes: false }), settings);
    expect(errors).toMatchObject({ reference: 'before-change', referenceCounts: { events: 20, requests: 10_000 } });
    const nothing: MinuteScript = (t) => (t < CHANGE ? {} : { target: { requests: 1000, http5xx: 1 } });
    const [blind, , , p99] = judgeShift(shift(nothing, { sameMinutes: false }), settings);
    expect(blind).toMatchObject({ reference: 'none', referenceCounts: null });
    expect(p99).toMatchObject({ reference: 'none', verdict: 'inconclusive' });
  });

  it("judges the load balancer's own 5xx among all its requests against its minutes before the change", () => {
    const lb = { elb5xx: [{ t: CHANGE + 9 * MINUTE, v: 200 }] };
    const elb = judgeShift(shift(split, {}, lb), settings)[2]!;
    expect(elb).toMatchObject({ signal: 'elb-5xx', verdict: 'breach', subject: { events: 200, requests: 1200 } });
    expect(elb.text).toMatch(/^load balancer 5xx 200 of 1,200 \(16.7%\) vs before the change 0 of 10,000 \(0%\) in 12:19-12:20 UTC: breach/);
  });

  it('says no data for a signal CloudWatch did not return, never zero', () => {
    const m = shift(split);
    delete m.snapshot.loadBalancer.elb5xx; // not fetched
    const verdicts = judgeShift(m, settings);
    expect(verdicts[2]).toMatchObject({ signal: 'elb-5xx', verdict: 'no-data' });
  });
});
