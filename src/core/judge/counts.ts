// Judging a count signal (5xx, load-balancer 5xx, connection errors): events among requests on the judged
// side against its reference, with a margin of SWITCHOVER_GUARD_5XX_POINTS percentage points.
//
// Method: exact one-sided Clopper-Pearson bounds on each side's rate, combined by Bonferroni. With
// p the judged side's rate and q the reference's, margin d:
// - breach when lower(p) > upper(q) + d, the two bounds' alphas adding up to alpha: if in truth p <= q + d,
//   both bounds hold with probability >= 1 - alpha, and then lower(p) <= p <= q + d <= upper(q) + d, so a
//   false breach has probability <= alpha;
// - healthy when upper(p) < lower(q) + d, symmetrically (non-inferiority at the healthy confidence), both
//   over the whole window since the change and over its newer half: a rise that began mid-window is not
//   averaged away by the good minutes before it (an intersection-union test: each at the full alpha).
// It is exact for any count (a dozen requests at a 1 % shift included), needs no normal approximation, and
// takes the margin as a difference of rates, which Fisher's conditional test cannot. It is conservative:
// the measured detection times (npm run bench) are what it costs.
import { countText, countsText, newerHalfText, pointsText, windowText } from './words';
import { alphaOf, breachAlphaForWindow, type JudgeSettings } from './settings';
import { proportionLowerBound, proportionUpperBound } from './stats';
import { windowOf, type CountVerdict, type Counts, type Needed, type ReferenceKind, type SignalName } from './verdict';

/** One minute of a count signal; null when CloudWatch did not say (never read as zero). */
export interface CountMinute {
  t: number;
  events: number | null;
  requests: number | null;
}

export type CountReference =
  /** The source proxy in the same minutes (both sides carry traffic): entries matched by minute. */
  | { kind: 'source-same-minutes'; label: string; minutes: CountMinute[] }
  /** Pooled counts of another time: the prep baseline, or the source's minutes before the change. */
  | { kind: 'baseline' | 'before-change'; label: string; counts: Counts }
  /** Nothing to compare with: held against 0 %, the strictest reading. */
  | { kind: 'none'; label: string };

export interface CountSignalInput {
  signal: SignalName;
  /** What is counted, in words: "5xx", "load-balancer 5xx", "connection errors". */
  what: string;
  /** The judged side in words: "target", "source", "load balancer". */
  subjectLabel: string;
  /** Every minute since the change, oldest first. */
  subject: CountMinute[];
  reference: CountReference;
}

interface Paired {
  t: number;
  subject: Counts;
  /** The same minute's reference (same-minute references only). */
  reference?: Counts;
}

const add = (a: Counts, b: Counts): Counts => ({ events: a.events + b.events, requests: a.requests + b.requests });
const ZERO: Counts = { events: 0, requests: 0 };

function known(m: CountMinute | undefined): Counts | undefined {
  if (!m || m.events === null || m.requests === null) return undefined;
  // A count above its requests (datapoints published at different moments) is capped: a rate is at most 1.
  return { events: Math.min(m.events, m.requests), requests: m.requests };
}

/** Minutes where the judged side (and a same-minute reference) are known, oldest first. */
function pairedMinutes(input: CountSignalInput): Paired[] {
  const ref = input.reference;
  const byMinute = ref.kind === 'source-same-minutes' ? new Map(ref.minutes.map((m) => [m.t, m])) : undefined;
  const out: Paired[] = [];
  for (const m of input.subject) {
    const subject = known(m);
    if (!subject) continue;
    if (byMinute) {
      const reference = known(byMinute.get(m.t));
      if (!reference) continue;
      out.push({ t: m.t, subject, reference });
    } else out.push({ t: m.t, subject });
  }
  return out;
}

/** The reference's counts over the given minutes; null when held against 0 %. */
function referenceOver(input: CountSignalInput, minutes: Paired[]): Counts | null {
  const ref = input.reference;
  if (ref.kind === 'none') return null;
  if (ref.kind === 'source-same-minutes') return minutes.reduce((c, m) => add(c, m.reference!), ZERO);
  return ref.counts;
}

/**
 * Bonferroni over the two sides, alpha shared in inverse proportion to their requests: the side with more
 * data has a tight bound at a small alpha, so the judged side (usually the smaller) gets most of it. The
 * request counts say nothing about the rates, so the split keeps the test exact. Against 0 %, all of alpha
 * goes to the judged side.
 */
function bounds(subject: Counts, reference: Counts | null, alpha: number, direction: 'breach' | 'healthy') {
  const subjectAlpha = reference === null ? alpha : (alpha * reference.requests) / (subject.requests + reference.requests);
  // A breach sets the judged side's lower bound against the reference's upper one; healthy the other way round.
  const [ofSubject, ofReference] = direction === 'breach' ? [proportionLowerBound, proportionUpperBound] : [proportionUpperBound, proportionLowerBound];
  return {
    subject: ofSubject(subject.events, subject.requests, subjectAlpha),
    reference: reference === null ? 0 : ofReference(reference.events, reference.requests, alpha - subjectAlpha),
  };
}

const rate = (c: Counts | null) => (c === null || c.requests === 0 ? 0 : c.events / c.requests);

/** Whether the counts show a breach (worse beyond the margin) or health (within it) at `alpha`. */
function shows(direction: 'breach' | 'healthy', subject: Counts, reference: Counts | null, alpha: number, margin: number): boolean {
  if (subject.requests === 0) return false;
  const beyond = (a: number, b: number) => (direction === 'breach' ? a > b : a < b);
  // A lower bound is never above the rate seen, an upper bound never below: skip the exact bounds when the
  // rates themselves do not show it (most windows of a healthy shift).
  if (!beyond(rate(subject), rate(reference) + margin)) return false;
  const b = bounds(subject, reference, alpha, direction);
  return beyond(b.subject, b.reference + margin);
}

const MAX_USEFUL_MINUTES = 1440;

const scale = (c: Counts, f: number): Counts => ({ events: c.events * f, requests: c.requests * f });

/**
 * How much more of the same traffic would settle it: the smallest factor f by which the window's counts
 * must grow (the reference's too when it is the same minutes; a baseline stays as it is) for the test to
 * decide, if the rates seen so far hold. Bisection on f, the tests being monotone in it.
 */
function neededMore(
  input: CountSignalInput,
  whole: { subject: Counts; reference: Counts | null },
  newer: { subject: Counts; reference: Counts | null },
  minutes: number,
  settings: JudgeSettings,
): Needed | undefined {
  const { subject, reference } = whole;
  if (subject.requests === 0) return undefined;
  const margin = settings.errorRatePoints / 100;
  const toShow: Needed['toShow'] = rate(subject) - rate(reference) < margin ? 'healthy' : 'breach';
  const growsWithTime = input.reference.kind === 'source-same-minutes';
  const grown = (c: { subject: Counts; reference: Counts | null }, f: number) => ({
    subject: scale(c.subject, f),
    reference: c.reference === null ? null : growsWithTime ? scale(c.reference, f) : c.reference,
  });
  const decides = (f: number) => {
    const w = grown(whole, f);
    if (toShow === 'breach') {
      return shows('breach', w.subject, w.reference, breachAlphaForWindow(alphaOf(settings.breachConfidence), Math.ceil(minutes * f)), margin);
    }
    const n = grown(newer, f);
    const alpha = alphaOf(settings.healthyConfidence);
    return shows('healthy', w.subject, w.reference, alpha, margin) && shows('healthy', n.subject, n.reference, alpha, margin);
  };
  // Beyond a day of this traffic no watch would see it (SWITCHOVER_WATCH_MINUTES is at most 1,440).
  const limit = Math.max(2, (minutes + MAX_USEFUL_MINUTES) / minutes);
  if (!decides(limit)) return { toShow, minutes: null };
  let low = 1;
  let high = limit;
  for (let i = 0; i < 40 && high - low > 0.01; i++) {
    const mid = Math.sqrt(low * high);
    if (decides(mid)) high = mid;
    else low = mid;
  }
  return { toShow, minutes: Math.max(1, Math.ceil((high - 1) * minutes)), requests: Math.ceil((high - 1) * subject.requests) };
}

function sentence(input: CountSignalInput, subject: Counts, reference: Counts | null): string {
  const ref = input.reference;
  const against = reference === null ? `0% (${ref.label})` : `${ref.label} ${countsText(reference)}`;
  return `${input.subjectLabel} ${input.what} ${countsText(subject)} vs ${against}`;
}

function neededText(needed: Needed | undefined, subjectLabel: string, settings: JudgeSettings): string {
  if (!needed) return '';
  const confidence = needed.toShow === 'healthy' ? settings.healthyConfidence : settings.breachConfidence;
  if (needed.minutes === null) return '; at the rates and traffic seen, not even a day more would settle it';
  return (
    `; if the rates hold, about ${countText(needed.minutes)} more minute${needed.minutes === 1 ? '' : 's'} at this traffic` +
    (needed.requests !== undefined ? ` (${countText(needed.requests)} more ${subjectLabel} requests)` : '') +
    ` would show it ${needed.toShow === 'healthy' ? 'healthy' : 'a breach'} at ${confidence}% confidence`
  );
}

/**
 * The verdict on one count signal. Breach on the shortest window ending at the newest minute that shows
 * it (each window's alpha shared out by breachAlphaForWindow); healthy or inconclusive on all the minutes
 * since the change.
 */
export function judgeCounts(input: CountSignalInput, settings: JudgeSettings): CountVerdict {
  const margin = settings.errorRatePoints / 100;
  const minutes = pairedMinutes(input);
  const base = { kind: 'count' as const, signal: input.signal, reference: input.reference.kind as ReferenceKind };
  if (minutes.length === 0) {
    return {
      ...base,
      verdict: 'no-data',
      window: null,
      confidence: null,
      subject: null,
      referenceCounts: null,
      text: `${input.subjectLabel} ${input.what}: no data (CloudWatch did not return the figures)`,
    };
  }

  // The window grows back from the newest minute, its sums with it (a day-long watch is 1,440 windows a tick).
  const breachAlpha = alphaOf(settings.breachConfidence);
  const pooled = referenceOver(input, []);
  let subject = ZERO;
  let sameMinutes = ZERO;
  for (let k = 1; k <= minutes.length; k++) {
    const oldest = minutes[minutes.length - k]!;
    subject = add(subject, oldest.subject);
    if (oldest.reference) sameMinutes = add(sameMinutes, oldest.reference);
    const reference = input.reference.kind === 'source-same-minutes' ? sameMinutes : pooled;
    if (shows('breach', subject, reference, breachAlphaForWindow(breachAlpha, k), margin)) {
      const window = windowOf(minutes.slice(minutes.length - k));
      return {
        ...base,
        verdict: 'breach',
        window,
        confidence: settings.breachConfidence,
        subject,
        referenceCounts: reference,
        text:
          `${sentence(input, subject, reference)} ${windowText(window)}: breach at ${settings.breachConfidence}% confidence ` +
          `(more than ${pointsText(settings.errorRatePoints)} worse)`,
      };
    }
  }

  // subject now holds the whole window.
  const window = windowOf(minutes);
  const reference = referenceOver(input, minutes);
  const newer = minutes.slice(Math.floor(minutes.length / 2));
  const newerSubject = newer.reduce((c, m) => add(c, m.subject), ZERO);
  const newerReference = referenceOver(input, newer);
  const healthyAlpha = alphaOf(settings.healthyConfidence);
  if (shows('healthy', subject, reference, healthyAlpha, margin) && shows('healthy', newerSubject, newerReference, healthyAlpha, margin)) {
    return {
      ...base,
      verdict: 'healthy',
      window,
      confidence: settings.healthyConfidence,
      subject,
      referenceCounts: reference,
      text:
        `${sentence(input, subject, reference)} ${windowText(window)}: healthy at ${settings.healthyConfidence}% confidence ` +
        `(not more than ${pointsText(settings.errorRatePoints)} worse${newer.length < minutes.length ? `, ${newerHalfText(minutes.length, newer.length)}` : ''})`,
    };
  }
  const needed = neededMore(input, { subject, reference }, { subject: newerSubject, reference: newerReference }, minutes.length, settings);
  const why = subject.requests === 0 ? `; no ${input.subjectLabel} requests yet` : neededText(needed, input.subjectLabel, settings);
  return {
    ...base,
    verdict: 'inconclusive',
    window,
    confidence: null,
    needed,
    subject,
    referenceCounts: reference,
    text: `${sentence(input, subject, reference)} ${windowText(window)}: inconclusive${why}`,
  };
}

