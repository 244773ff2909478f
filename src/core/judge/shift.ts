// Judging a shift from a metrics snapshot: which signals, against which reference (DESIGN.md "Judging a
// shift"). While both sides carry traffic the judged side is compared with the source in the same minutes
// (same clients, same load); once the source carries none, with the prep baseline, or without one the
// source's minutes before the change; with nothing at all, 5xx is held against 0 % and p99 cannot be judged.
import type { Baseline } from '../journal';
import { countAt } from '../traffic';
import type { MetricSeries, MetricsSnapshot, Side } from '../types';
import type { CountMinute, CountReference, CountSignalInput } from './counts';
import { judgeCounts } from './counts';
import type { LatencyReference, P99Minute } from './latency';
import { judgeLatency } from './latency';
import type { JudgeSettings } from './settings';
import type { Counts, SignalName, SignalVerdict } from './verdict';

export interface ShiftMinutes {
  snapshot: MetricsSnapshot;
  /** Minute starts since the change, oldest first. */
  after: number[];
  /** Minute starts before the change that the snapshot holds (the fallback reference). */
  before: number[];
  /** The side that carries the change's new traffic: the target after a shift, the source after a fallback. */
  subject: Side;
  /** True while the source proxy still gets new traffic (a shift below 100 %): judge in the same minutes. */
  sameMinutes: boolean;
  baseline: Baseline | undefined;
}

const sum = (minutes: CountMinute[]): Counts | undefined => {
  if (minutes.some((m) => m.events === null || m.requests === null)) return undefined;
  return { events: minutes.reduce((s, m) => s + m.events!, 0), requests: minutes.reduce((s, m) => s + m.requests!, 0) };
};

/** The prep baseline's counts, if it holds sane ones (it is read back from disk). */
function baselineCounts(b: Baseline | undefined): Counts | undefined {
  if (!b) return undefined;
  const requests = Math.round(b.requestsPerMinute * b.minutesWithTraffic);
  const ok = [requests, b.http5xx].every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0) && requests > 0;
  return ok ? { events: Math.min(b.http5xx, requests), requests } : undefined;
}

/** A count signal measured on a proxy target group (each side has its own). */
interface SideCountSignal {
  signal: SignalName;
  what: string;
  events: (snapshot: MetricsSnapshot, side: Side) => MetricSeries | undefined;
  /** Whether the prep baseline holds this count (else the minutes before the change are the reference). */
  inBaseline: boolean;
}

/** The per-side count signals: the targets' own 5xx, and connections the load balancer could not open to them. */
const SIDE_COUNT_SIGNALS: SideCountSignal[] = [
  { signal: 'error-rate', what: '5xx', events: (s, side) => s[side].http5xx, inBaseline: true },
  { signal: 'connection-errors', what: 'connection errors', events: (s, side) => s[side].connectionErrors, inBaseline: false },
];

function sideMinutes(snapshot: MetricsSnapshot, side: Side, minutes: number[], events: MetricSeries | undefined): CountMinute[] {
  const requests = snapshot[side].requests;
  return minutes.map((t) => {
    const n = countAt(requests, t);
    return { t, requests: n, events: n === null ? null : countAt(events, t) };
  });
}

function countReference(def: SideCountSignal, m: ShiftMinutes): CountReference {
  if (m.sameMinutes) {
    return { kind: 'source-same-minutes', label: 'source', minutes: sideMinutes(m.snapshot, 'source', m.after, def.events(m.snapshot, 'source')) };
  }
  const baseline = def.inBaseline ? baselineCounts(m.baseline) : undefined;
  if (baseline) return { kind: 'baseline', label: 'prep baseline', counts: baseline };
  const before = sum(sideMinutes(m.snapshot, 'source', m.before, def.events(m.snapshot, 'source')));
  if (before && before.requests > 0) return { kind: 'before-change', label: 'source before the change', counts: before };
  return { kind: 'none', label: 'nothing to compare with' };
}

/** The load balancer's own 5xx (no target answered) among all its requests, against its minutes before the change. */
function loadBalancer5xx(m: ShiftMinutes): CountSignalInput {
  const { snapshot } = m;
  const minute = (t: number): CountMinute => {
    const source = countAt(snapshot.source.requests, t);
    const target = countAt(snapshot.target.requests, t);
    const events = countAt(snapshot.loadBalancer.elb5xx, t);
    const requests = source === null || target === null || events === null ? null : source + target + events;
    return { t, events: requests === null ? null : events, requests };
  };
  const before = sum(m.before.map(minute));
  return {
    signal: 'elb-5xx',
    what: '5xx',
    subjectLabel: 'load balancer',
    subject: m.after.map(minute),
    reference:
      before && before.requests > 0
        ? { kind: 'before-change', label: 'before the change', counts: before }
        : { kind: 'none', label: 'nothing to compare with' },
  };
}

function p99Minutes(snapshot: MetricsSnapshot, side: Side, minutes: number[]): P99Minute[] {
  const series = snapshot[side].latencyP99;
  const requests = snapshot[side].requests;
  return minutes.map((t) => ({ t, p99: series?.find((p) => p.t === t)?.v ?? null, requests: countAt(requests, t) }));
}

function latencyReference(m: ShiftMinutes): LatencyReference {
  if (m.sameMinutes) return { kind: 'source-same-minutes', label: 'source', minutes: p99Minutes(m.snapshot, 'source', m.after) };
  // Read back from disk: only an array of plain non-negative numbers is trusted.
  const kept: unknown = m.baseline?.latencyP99Minutes;
  const baseline = Array.isArray(kept) ? kept.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0) : [];
  if (baseline.length > 0) return { kind: 'baseline', label: 'prep baseline', p99s: baseline };
  const before = p99Minutes(m.snapshot, 'source', m.before).flatMap((x) => (x.p99 === null ? [] : [x.p99]));
  if (before.length > 0) return { kind: 'before-change', label: 'source before the change', p99s: before };
  return { kind: 'none', label: 'nothing to compare with' };
}

/** Every signal's verdict for the minutes since a change, 5xx first. */
export function judgeShift(m: ShiftMinutes, settings: JudgeSettings): SignalVerdict[] {
  const label = m.subject;
  const counts: CountSignalInput[] = SIDE_COUNT_SIGNALS.map((def) => ({
    signal: def.signal,
    what: def.what,
    subjectLabel: label,
    subject: sideMinutes(m.snapshot, m.subject, m.after, def.events(m.snapshot, m.subject)),
    reference: countReference(def, m),
  }));
  counts.push(loadBalancer5xx(m));
  return [
    ...counts.map((input) => judgeCounts(input, settings)),
    judgeLatency({ subjectLabel: label, subject: p99Minutes(m.snapshot, m.subject, m.after), reference: latencyReference(m) }, settings),
  ];
}
