// Judging latency: the judged side's per-minute p99s against the reference's times SWITCHOVER_GUARD_P99_FACTOR,
// with the one-sided Mann-Whitney rank test (as Kayenta judges a canary against its baseline). Percentiles
// do not add up across minutes, so the minutes themselves are the sample; fewer than 3 a side is
// inconclusive (3 against 3 can at best reach p = 0.05).
//
// A minute's p99 of fewer than 100 requests is not a 99th percentile: it is about their maximum, which sits
// below the true p99 (the max of 12 requests is near their 92nd percentile). Such minutes may show a breach
// (if even they are above the tolerance, the true p99 is too) but never count towards healthy.
import { median } from '../traffic';
import { msText } from '../format';
import { alphaOf, breachAlphaForWindow, type JudgeSettings } from './settings';
import { atMost, mannWhitneyGreater, mannWhitneyMinimumP, mannWhitneyPGreater, RunningU } from './stats';
import { windowOf, type LatencyVerdict, type ReferenceKind, type Window } from './verdict';
import { minutesText, newerHalfText, windowText } from './words';

/** Minutes a side below which the rank test cannot speak. */
export const MIN_P99_MINUTES = 3;
/** Requests a minute needs for its p99 to count towards a healthy verdict. */
export const MIN_REQUESTS_FOR_P99 = 100;

/** One minute's p99 (seconds) and request count; null when CloudWatch has none. */
export interface P99Minute {
  t: number;
  p99: number | null;
  requests: number | null;
}

export type LatencyReference =
  | { kind: 'source-same-minutes'; label: string; minutes: P99Minute[] }
  /** Per-minute p99s of another time: the prep baseline's minutes, or the source's before the change. */
  | { kind: 'baseline' | 'before-change'; label: string; p99s: number[] }
  | { kind: 'none'; label: string };

export interface LatencyInput {
  subjectLabel: string;
  /** Every minute since the change, oldest first. */
  subject: P99Minute[];
  reference: LatencyReference;
}

type WithP99 = P99Minute & { p99: number };
const hasP99 = (m: P99Minute): m is WithP99 => m.p99 !== null && Number.isFinite(m.p99) && m.p99 >= 0;

function referenceP99s(ref: LatencyReference, minutes: WithP99[]): number[] {
  if (ref.kind === 'none') return [];
  if (ref.kind !== 'source-same-minutes') return ref.p99s.filter((v) => Number.isFinite(v) && v >= 0);
  const inWindow = new Set(minutes.map((m) => m.t));
  return ref.minutes.filter((m): m is WithP99 => hasP99(m) && inWindow.has(m.t)).map((m) => m.p99);
}

/** The fewest minutes a side that could reach `alpha` (every judged minute on the right side of every reference one). */
function minutesToReach(alpha: number, referenceMinutes: number | null): number {
  for (let m = MIN_P99_MINUTES; m < 200; m++) {
    if (atMost(mannWhitneyMinimumP(m, referenceMinutes ?? m), alpha)) return m;
  }
  return 200;
}

export function judgeLatency(input: LatencyInput, settings: JudgeSettings): LatencyVerdict {
  const ref = input.reference;
  const factor = settings.p99Factor;
  const all = input.subject.filter(hasP99);
  const base = { kind: 'latency' as const, signal: 'p99-latency' as const, reference: ref.kind as ReferenceKind };
  const describe = (subject: number[], reference: number[], window: Window | null) => {
    const s = median(subject);
    const r = median(reference);
    const subjectText = s === null ? 'no p99' : `median ${msText(s)}`;
    const refText = r === null ? 'no p99' : `median ${msText(r)} (x${factor} tolerance: ${msText(r * factor)})`;
    return {
      figures: { subjectP99: s, subjectMinutes: subject.length, referenceP99: r, referenceMinutes: reference.length },
      sentence: `${input.subjectLabel} p99 ${subjectText} vs ${ref.label} ${refText}${window ? ` ${windowText(window)}` : ''}`,
    };
  };

  if (input.subject.every((m) => m.requests === null) && all.length === 0) {
    return {
      ...base,
      verdict: 'no-data',
      window: null,
      confidence: null,
      subjectP99: null,
      subjectMinutes: 0,
      referenceP99: null,
      referenceMinutes: 0,
      p: null,
      text: `${input.subjectLabel} p99: no data (CloudWatch did not return the figures)`,
    };
  }

  // Breach: the shortest window of at least 3 minutes ending at the newest one that shows it. The window
  // grows one minute at a time and U with it.
  const breachAlpha = alphaOf(settings.breachConfidence);
  const sameMinutes = ref.kind === 'source-same-minutes' ? new Map(ref.minutes.filter(hasP99).map((m) => [m.t, m.p99 * factor])) : undefined;
  const running = new RunningU();
  if (!sameMinutes) for (const v of referenceP99s(ref, [])) running.addB(v * factor);
  const judged: number[] = [];
  for (let k = 1; k <= all.length; k++) {
    const minute = all[all.length - k]!;
    running.addA(minute.p99);
    const b = sameMinutes?.get(minute.t);
    if (b !== undefined) running.addB(b);
    judged.push(minute.p99);
    if (k < MIN_P99_MINUTES || running.n < MIN_P99_MINUTES) continue;
    const p = mannWhitneyPGreater(running.u, k, running.n);
    if (atMost(p, breachAlphaForWindow(breachAlpha, k, MIN_P99_MINUTES))) {
      const last = all.slice(all.length - k);
      const window = windowOf(last);
      const d = describe(judged, referenceP99s(ref, last), window);
      return {
        ...base,
        verdict: 'breach',
        window,
        confidence: settings.breachConfidence,
        ...d.figures,
        p,
        text: `${d.sentence}: breach at ${settings.breachConfidence}% confidence (above ${factor}x, rank test p = ${pText(p)})`,
      };
    }
  }

  // Healthy: over the whole window and over its newer half (an intersection-union test, each at the full
  // alpha), so a slowdown that began mid-window is not outvoted by the minutes before it.
  const window = all.length > 0 ? windowOf(all) : null;
  const reference = referenceP99s(ref, all);
  const healthyAlpha = alphaOf(settings.healthyConfidence);
  const countsForHealthy = (m: WithP99) => m.requests !== null && m.requests >= MIN_REQUESTS_FOR_P99;
  const newer = all.slice(Math.floor(all.length / 2));
  const healthyP = (minutes: WithP99[]): number | null => {
    const judgedP99s = minutes.filter(countsForHealthy).map((m) => m.p99);
    const referenceValues = referenceP99s(ref, minutes);
    if (judgedP99s.length < MIN_P99_MINUTES || referenceValues.length < MIN_P99_MINUTES) return null;
    return mannWhitneyGreater(
      referenceValues.map((v) => v * factor),
      judgedP99s,
    );
  };
  const pWhole = healthyP(all);
  const pNewer = healthyP(newer);
  const p = pWhole === null || pNewer === null ? null : Math.max(pWhole, pNewer);
  const d = describe(
    all.map((m) => m.p99),
    reference,
    window,
  );
  if (p !== null && atMost(p, healthyAlpha)) {
    const over = newer.length < all.length ? ` ${newerHalfText(all.length, newer.length)}` : '';
    return {
      ...base,
      verdict: 'healthy',
      window,
      confidence: settings.healthyConfidence,
      ...d.figures,
      p,
      text: `${d.sentence}: healthy at ${settings.healthyConfidence}% confidence (below ${factor}x${over}, rank test p = ${pText(p)})`,
    };
  }

  let why: string;
  let needed: LatencyVerdict['needed'];
  let lowVolume = false;
  // The newer half must reach it too: about twice the minutes one sample would need.
  const required = 2 * minutesToReach(healthyAlpha, sameMinutes ? null : reference.length);
  const eligible = all.filter(countsForHealthy).length;
  if (ref.kind === 'none' || (!sameMinutes && reference.length < MIN_P99_MINUTES)) {
    why = `no reference p99 to compare with (fewer than ${MIN_P99_MINUTES} minutes)`;
  } else if (all.length < MIN_P99_MINUTES || reference.length < MIN_P99_MINUTES) {
    why = `fewer than ${MIN_P99_MINUTES} minutes with a p99 on a side (${input.subjectLabel} ${all.length}, ${ref.label} ${reference.length})`;
    const have = sameMinutes ? Math.min(all.length, reference.length) : all.length;
    needed = { toShow: 'healthy', minutes: Math.max(required - have, 1) };
  } else if (eligible < required) {
    why =
      `only ${minutesText(eligible)} with at least ${MIN_REQUESTS_FOR_P99} ${input.subjectLabel} requests, whose p99 can show it healthy ` +
      `(a p99 of fewer requests is about their maximum); ${required} are needed`;
    const busy = eligible / all.length >= 0.5;
    needed = { toShow: 'healthy', minutes: busy ? required - eligible : null };
    lowVolume = !busy;
  } else {
    why = `the minutes so far do not separate from the tolerance (rank test p = ${pText(p ?? 1)}); more minutes may`;
  }
  return {
    ...base,
    verdict: 'inconclusive',
    window,
    confidence: null,
    ...d.figures,
    p,
    needed,
    ...(lowVolume ? { lowVolume: true } : {}),
    text: `${d.sentence}: inconclusive; ${why}`,
  };
}

function pText(p: number): string {
  return p < 0.001 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}
