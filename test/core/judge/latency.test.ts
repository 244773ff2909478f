import { judgeLatency, type LatencyReference, type P99Minute } from '../../../src/core/judge';
import { WATCH_SETTINGS as settings } from '../../support/traffic-script';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;

/** Minutes of [p99 seconds, requests]; null for a minute without a p99. */
function minutes(specs: Array<[number | null, number]>): P99Minute[] {
  return specs.map(([p99, requests], i) => ({ t: T0 + i * MINUTE, p99, requests }));
}
const source = (p99s: number[], requests = 1000): LatencyReference => ({
  kind: 'source-same-minutes',
  label: 'source',
  minutes: minutes(p99s.map((p) => [p, requests])),
});
const at = (p99s: number[], requests = 1000) => minutes(p99s.map((p) => [p, requests]));

const SOURCE_P99S = [0.2, 0.21, 0.19, 0.2, 0.22, 0.18, 0.2, 0.21, 0.19, 0.2];

describe('judgeLatency', () => {
  it('is inconclusive with fewer than 3 minutes a side, and says how many more it needs', () => {
    const v = judgeLatency({ subjectLabel: 'target', subject: at([0.9, 0.9]), reference: source([0.2, 0.2]) }, settings);
    expect(v.verdict).toBe('inconclusive');
    // 3 a side can reach 95 %, and the newer half of the window must too: 6 minutes.
    expect(v.needed).toEqual({ toShow: 'healthy', minutes: 4 });
    expect(v.text).toContain('fewer than 3 minutes with a p99 on a side (target 2, source 2)');
  });

  it('calls a breach in the same minutes once the rank test can reach 99%: every minute above 2x the source', () => {
    const slow = SOURCE_P99S.map((p) => p * 3);
    // 6 against 6 can at best reach p = 1/924: not below its share of 1 %; 7 against 7 (1/3432) is.
    expect(judgeLatency({ subjectLabel: 'target', subject: at(slow.slice(0, 6)), reference: source(SOURCE_P99S.slice(0, 6)) }, settings).verdict).toBe(
      'inconclusive',
    );
    const v = judgeLatency({ subjectLabel: 'target', subject: at(slow.slice(0, 7)), reference: source(SOURCE_P99S.slice(0, 7)) }, settings);
    expect(v).toMatchObject({ verdict: 'breach', confidence: 99, subjectMinutes: 7, referenceMinutes: 7 });
    expect(v.p).toBeCloseTo(1 / 3432, 10);
    expect(v.text).toBe(
      'target p99 median 600 ms vs source median 200 ms (x2 tolerance: 400 ms) over 7 minutes, 12:00-12:07 UTC: breach at 99% confidence (above 2x, rank test p = 2.9e-4)',
    );
  });

  it('calls a breach against the prep baseline minutes after 3 minutes', () => {
    const baseline: LatencyReference = { kind: 'baseline', label: 'prep baseline', p99s: [...SOURCE_P99S, ...SOURCE_P99S, ...SOURCE_P99S] };
    const v = judgeLatency({ subjectLabel: 'target', subject: at([0.15, 0.6, 0.62, 0.7]), reference: baseline }, settings);
    expect(v).toMatchObject({ verdict: 'breach', reference: 'baseline', subjectMinutes: 3 });
    expect(v.window!.start).toBe(T0 + MINUTE);
  });

  it('calls the target healthy when its p99s sit confidently below the tolerance, over the window and its newer half', () => {
    const p99s = [0.16, 0.17, 0.15, 0.16, 0.15, 0.17];
    const four = judgeLatency({ subjectLabel: 'target', subject: at(p99s.slice(0, 4)), reference: source(SOURCE_P99S.slice(0, 4)) }, settings);
    expect(four.verdict).toBe('inconclusive'); // its newer half is 2 minutes a side: too few
    const v = judgeLatency({ subjectLabel: 'target', subject: at(p99s), reference: source(SOURCE_P99S.slice(0, 6)) }, settings);
    expect(v).toMatchObject({ verdict: 'healthy', confidence: 95 });
    expect(v.p).toBeCloseTo(0.05, 10);
    expect(v.text).toContain(': healthy at 95% confidence (below 2x over the window and over its last 3 minutes, rank test p = 0.05)');
  });

  it('never counts a p99 of fewer than 100 requests towards healthy (it is about their maximum), but lets it show a breach', () => {
    const quiet = judgeLatency({ subjectLabel: 'target', subject: at([0.16, 0.17, 0.15, 0.16, 0.16], 12), reference: source(SOURCE_P99S.slice(0, 5)) }, settings);
    expect(quiet.verdict).toBe('inconclusive');
    expect(quiet.needed).toEqual({ toShow: 'healthy', minutes: null });
    expect(quiet.text).toContain('only 0 minutes with at least 100 target requests, whose p99 can show it healthy');
    const slow = judgeLatency({ subjectLabel: 'target', subject: at(SOURCE_P99S.map((p) => p * 4), 12), reference: source(SOURCE_P99S) }, settings);
    expect(slow.verdict).toBe('breach');
  });

  it('cannot judge without a reference, and says no data when nothing was returned', () => {
    const none = judgeLatency({ subjectLabel: 'target', subject: at([0.1, 0.1, 0.1]), reference: { kind: 'none', label: 'nothing to compare with' } }, settings);
    expect(none.verdict).toBe('inconclusive');
    expect(none.text).toContain('no reference p99 to compare with');
    const blind = judgeLatency({ subjectLabel: 'target', subject: minutes([[null, null as unknown as number]]).map((m) => ({ ...m, requests: null })), reference: source([0.2]) }, settings);
    expect(blind).toMatchObject({ verdict: 'no-data', text: 'target p99: no data (CloudWatch did not return the figures)' });
  });
});
