import { judgeCounts, type CountMinute, type CountReference, type CountSignalInput } from '../../../src/core/judge';
import { countsText } from '../../../src/core/judge/words';
import { WATCH_SETTINGS as settings } from '../../support/traffic-script';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;

/** Minutes from [events, requests] pairs, oldest first; null for a minute CloudWatch did not return. */
function minutes(pairs: Array<[number, number] | null>): CountMinute[] {
  return pairs.map((p, i) => ({ t: T0 + i * MINUTE, events: p ? p[0] : null, requests: p ? p[1] : null }));
}

function sameMinutes(pairs: Array<[number, number] | null>): CountReference {
  return { kind: 'source-same-minutes', label: 'source', minutes: minutes(pairs) };
}

function input(subject: Array<[number, number] | null>, reference: CountReference): CountSignalInput {
  return { signal: 'error-rate', what: '5xx', subjectLabel: 'target', subject: minutes(subject), reference };
}

const repeat = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

describe('judgeCounts', () => {
  it('calls a breach with its numbers, on the shortest window ending now that shows it', () => {
    // 1 % shift: 12 target requests a minute. Twenty healthy minutes, then 3 of 12 and 2 of 12 fail.
    const v = judgeCounts(
      input([...repeat(20, [0, 12] as [number, number]), [3, 12], [2, 12]], sameMinutes(repeat(22, [2, 1188] as [number, number]))),
      settings,
    );
    expect(v).toMatchObject({ verdict: 'breach', confidence: 99, reference: 'source-same-minutes' });
    expect(v.window).toEqual({ start: T0 + 20 * MINUTE, end: T0 + 22 * MINUTE, minutes: 2 });
    expect(v.subject).toEqual({ events: 5, requests: 24 });
    expect(v.referenceCounts).toEqual({ events: 4, requests: 2376 });
    expect(v.text).toBe(
      'target 5xx 5 of 24 (20.8%) vs source 4 of 2,376 (0.17%) over 2 minutes, 12:20-12:22 UTC: breach at 99% confidence (more than 1 point worse)',
    );
  });

  it('does not call one 500 in a dozen requests a breach: at 1% that is noise, not evidence', () => {
    const v = judgeCounts(input([[0, 12], [1, 12]], sameMinutes([[2, 1188], [3, 1188]])), settings);
    expect(v.verdict).toBe('inconclusive');
  });

  it('calls the target healthy when it is confidently within the margin (non-inferiority)', () => {
    const v = judgeCounts(input(repeat(10, [1, 300] as [number, number]), sameMinutes(repeat(10, [60, 30000] as [number, number]))), settings);
    expect(v).toMatchObject({ verdict: 'healthy', confidence: 95, subject: { events: 10, requests: 3000 } });
    expect(v.window!.minutes).toBe(10);
    expect(v.text).toContain(': healthy at 95% confidence (not more than 1 point worse, over the window and over its last 5 minutes)');
  });

  it('never says a rate that is not 0 as 0%', () => {
    expect(countsText({ events: 1, requests: 30_000 })).toBe('1 of 30,000 (0.003%)');
    expect(countsText({ events: 0, requests: 30_000 })).toBe('0 of 30,000 (0%)');
    expect(countsText({ events: 9, requests: 1_000 })).toBe('9 of 1,000 (0.9%)');
  });

  it('says a newer half of one minute in the singular', () => {
    const v = judgeCounts(input(repeat(2, [0, 3000] as [number, number]), sameMinutes(repeat(2, [6, 3000] as [number, number]))), settings);
    expect(v.verdict).toBe('healthy');
    expect(v.text).toContain('(not more than 1 point worse, over the window and over its last minute)');
  });

  it('does not let good minutes before a rise vouch for the minutes after it', () => {
    // Twenty clean minutes at 500 requests, then ten at 1.5 %: over the whole window the rate is 0.5 %, well
    // within the margin, but the newer half is not confidently within it.
    const clean = repeat(20, [0, 500] as [number, number]);
    const worse = repeat(10, [8, 500] as [number, number]);
    const reference = sameMinutes(repeat(30, [1, 500] as [number, number]));
    expect(judgeCounts(input(clean, sameMinutes(repeat(20, [1, 500] as [number, number]))), settings).verdict).toBe('healthy');
    const v = judgeCounts(input([...clean, ...worse], reference), settings);
    expect(v.subject).toEqual({ events: 80, requests: 15_000 });
    expect(v.verdict).toBe('inconclusive');
  });

  it('is inconclusive, never healthy, on too little traffic, and says how much more would settle it', () => {
    const v = judgeCounts(input([[0, 12], [0, 12]], sameMinutes([[2, 1188], [3, 1188]])), settings);
    expect(v.verdict).toBe('inconclusive');
    expect(v.needed).toEqual({ toShow: 'healthy', minutes: expect.any(Number), requests: expect.any(Number) });
    // 0 errors among n requests shows "below 1.2 %" at about 97.5 % once n is about 300, and the newer half of
    // the window must show it too: some 50 minutes of 12 in all.
    expect(v.needed!.minutes).toBeGreaterThanOrEqual(35);
    expect(v.needed!.minutes).toBeLessThanOrEqual(55);
    expect(v.text).toMatch(/inconclusive; if the rates hold, about \d+ more minutes at this traffic \(\d+ more target requests\) would show it healthy at 95% confidence$/);
  });

  it('never calls healthy a rise that sits on the margin, however much traffic', () => {
    // 1.2 % against 0.2 % with a 1 point margin: exactly the margin.
    const v = judgeCounts(input(repeat(60, [144, 12000] as [number, number]), sameMinutes(repeat(60, [24, 12000] as [number, number]))), settings);
    expect(v.verdict).toBe('inconclusive');
    expect(v.needed).toEqual({ toShow: 'breach', minutes: null });
    expect(v.text).toContain('inconclusive; at the rates and traffic seen, not even a day more would settle it');
  });

  it('judges a 100% shift against the prep baseline counts', () => {
    const reference: CountReference = { kind: 'baseline', label: 'prep baseline', counts: { events: 198, requests: 99_000 } };
    const v = judgeCounts(input([[9, 1000], [60, 1000]], reference), settings);
    expect(v).toMatchObject({ verdict: 'breach', reference: 'baseline', subject: { events: 60, requests: 1000 } });
    expect(v.text).toBe(
      'target 5xx 60 of 1,000 (6%) vs prep baseline 198 of 99,000 (0.2%) in 12:01-12:02 UTC: breach at 99% confidence (more than 1 point worse)',
    );
  });

  it('holds the rate against 0% when there is nothing to compare with', () => {
    const v = judgeCounts(input([[30, 1000]], { kind: 'none', label: 'nothing to compare with' }), settings);
    expect(v).toMatchObject({ verdict: 'breach', referenceCounts: null });
    expect(v.text).toContain('vs 0% (nothing to compare with)');
  });

  it('leaves out minutes CloudWatch did not return, on either side, and says no data when none is left', () => {
    const v = judgeCounts(input([[0, 500], null, [0, 500]], sameMinutes([[1, 500], [1, 500], null])), settings);
    expect(v.subject).toEqual({ events: 0, requests: 500 });
    expect(v.window!.minutes).toBe(1);
    const none = judgeCounts(input([null, null], sameMinutes([[1, 500], [1, 500]])), settings);
    expect(none).toMatchObject({ verdict: 'no-data', window: null, subject: null });
    expect(none.text).toBe('target 5xx: no data (CloudWatch did not return the figures)');
  });

  it('says so when the judged side has had no requests yet', () => {
    const v = judgeCounts(input([[0, 0], [0, 0]], sameMinutes([[1, 500], [1, 500]])), settings);
    expect(v.verdict).toBe('inconclusive');
    expect(v.needed).toBeUndefined();
    expect(v.text).toContain('inconclusive; no target requests yet');
  });

  it('asks for more evidence when told to be surer: 3 of 12 in a minute is a breach at 99%, not at 99.99%', () => {
    const data = input([[0, 12], [3, 12]], sameMinutes([[2, 1188], [2, 1188]]));
    expect(judgeCounts(data, settings).verdict).toBe('breach');
    expect(judgeCounts(data, { ...settings, breachConfidence: 99.99 }).verdict).toBe('inconclusive');
  });
});
