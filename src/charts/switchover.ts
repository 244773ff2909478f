// The switchover picture, for status, the guardrail alert and the completion message: (1) share of requests
// on the target proxy with the listener's configured weight as a step line, (2) 5xx rate per side with the
// guardrail's limit, (3) p99 per side with its limit; every applied change marked on every panel, and a
// headline that states the numbers. Pure data (see panels.ts).
import { hhmm, msText, percentText } from '../core/format';
import type { ChartSpec } from '../core/ports';
import { changeWords, type ChangeMark } from '../core/changes';
import { firstFullMinute, minutesOf, observedSplit, RECENT_MINUTES, recentWindowSince, sideTotals } from '../core/traffic';
import type { MetricsSnapshot, MetricsWindow, Side } from '../core/types';
import { MINUTE_MS } from '../core/types';
import { alignToMinutes, rounded } from './common';
import { panelChart, SIDE_COLOURS, WEIGHT_COLOUR, type Panel } from './panels';

/** An applied change (when, its label, the configured target share before and after): a ChartMarker too. */
export type ChartChange = ChangeMark;

/** Guardrail lines on the picture, in the panels' units (5xx %, p99 ms), each with its label. */
export interface ChartLimits {
  errors?: { value: number; label: string };
  p99?: { value: number; label: string };
}

export type SwitchoverMoment = 'status' | 'alert' | 'completion';

export interface SwitchoverChartInput {
  stage: string;
  moment: SwitchoverMoment;
  snapshot: MetricsSnapshot;
  changes: ChartChange[];
  /** The listener's configured target share now, when known (status reads it). */
  configuredPercent?: number;
  limits?: ChartLimits;
  /** For the alert: what breached, in a few words ("target 5xx 4.8 % > 1.2 %"). */
  breach?: string;
}

/** 5xx per request in percent per minute; null where the minute had no requests or 5xx was not fetched. */
export function errorRatePercent(snapshot: MetricsSnapshot, side: Side): (number | null)[] {
  const requests = alignToMinutes(snapshot[side].requests, snapshot.window);
  if (snapshot[side].http5xx === undefined) return requests.map(() => null);
  const errors = alignToMinutes(snapshot[side].http5xx, snapshot.window);
  // No 5xx datapoint in a minute with requests means no 5xx responses: 0 %.
  return requests.map((r, i) => (r === null || r <= 0 ? null : rounded(((errors[i] ?? 0) / r) * 100, 3)));
}

/** Share of each minute's requests served by the target proxy, in percent; null without requests. */
function targetShare(snapshot: MetricsSnapshot): (number | null)[] {
  const source = alignToMinutes(snapshot.source.requests, snapshot.window);
  const target = alignToMinutes(snapshot.target.requests, snapshot.window);
  return source.map((s, i) => {
    const total = (s ?? 0) + (target[i] ?? 0);
    return s === null && target[i] === null ? null : total <= 0 ? null : rounded(((target[i] ?? 0) / total) * 100, 1);
  });
}

/**
 * The configured target share per minute, from the applied changes: each holds from its minute on; before the
 * first one, what that change started from. null where nothing says it.
 */
function configuredShare(snapshot: MetricsSnapshot, changes: ChartChange[], now?: number): (number | null)[] {
  const known = changes.filter((c) => c.targetPercent).sort((a, b) => a.at - b.at);
  return minutesOf(snapshot.window).map((t) => {
    const minuteEnd = t + MINUTE_MS;
    const last = [...known].reverse().find((c) => c.at < minuteEnd);
    if (last) return last.targetPercent!.after;
    if (known[0]) return known[0].targetPercent!.before ?? null;
    return now ?? null;
  });
}

/**
 * The minutes the headline's figures are over, and those minutes in words. As status and the watch read them:
 * the settled minutes since the newest change, the newest RECENT_MINUTES at most, never straddling it. Before
 * the first full minute after a change has been read (an alert in the minute of the change), the minute of the
 * change itself, said as such.
 */
export function headlineWindow(end: number, changes: readonly ChangeMark[]): MetricsWindow & { words: string } {
  const change = changes.filter((c) => c.at < end).sort((a, b) => a.at - b.at).at(-1);
  const firstFull = change ? firstFullMinute(change.at) : Number.NEGATIVE_INFINITY;
  let window = recentWindowSince(end, firstFull, RECENT_MINUTES);
  const minutes = () => (window.end - window.start) / MINUTE_MS;
  const span = () => `${hhmm(window.start)}-${hhmm(window.end)} UTC`;
  if (!change) return { ...window, words: `${span()}, the last ${minutes()} min` };
  const what = `${changeWords(change)} at ${hhmm(change.at)}`;
  if (window.start === window.end) {
    window = { start: Math.floor(change.at / MINUTE_MS) * MINUTE_MS, end };
    return { ...window, words: `${span()}, the minute of ${what} (partly before it)` };
  }
  if (window.start === firstFull) return { ...window, words: `${span()}, the ${minutes()} min since ${what}` };
  return { ...window, words: `${span()}, the last ${minutes()} min, all after ${what}` };
}

/** The two headline lines: where the traffic goes, then errors and latency per side. */
function headline(input: SwitchoverChartInput, recent: MetricsWindow): string[] {
  const split = observedSplit(input.snapshot, recent);
  const totals = { source: sideTotals(input.snapshot, 'source', recent), target: sideTotals(input.snapshot, 'target', recent) };
  const errors = (side: Side) => {
    const t = totals[side];
    return t.requests === 0 ? 'idle' : t.errorRate5xx === null ? 'n/a' : percentText(t.errorRate5xx * 100);
  };
  const latency = (side: Side) => {
    const p99 = totals[side].latencyP99;
    return totals[side].requests === 0 ? 'idle' : p99 === null ? 'n/a' : msText(p99);
  };
  const lead = {
    status: input.stage,
    alert: `GUARDRAIL BREACH · ${input.stage}`,
    completion: `${input.stage} · switchover complete`,
  }[input.moment];
  const share = split.targetPercent === null ? 'share on the target unknown' : `${percentText(split.targetPercent)} of requests on the target`;
  return [
    `${lead} · ${share}`,
    `5xx ${errors('source')} vs ${errors('target')} · ` +
      `p99 ${latency('source')} vs ${latency('target')} (source vs target)`,
  ];
}

/** Over which minutes the headline's figures are; then what breached and the colours. */
function subtitle(input: SwitchoverChartInput, recent: { words: string }): string[] {
  const what = input.breach ? `${input.breach} · ` : '';
  return [`figures over ${recent.words}`, `${what}blue: source proxy · orange: target proxy`];
}

function panels(input: SwitchoverChartInput): Panel[] {
  const { snapshot } = input;
  const side = (s: Side, data: (number | null)[]) => ({ label: `${s} proxy`, data, colour: SIDE_COLOURS[s] });
  const p99 = (s: Side) => alignToMinutes(snapshot[s].latencyP99, snapshot.window, 1000).map((v) => (v === null ? null : rounded(v, 1)));
  const limits = input.limits ?? {};
  return [
    {
      id: 'yShare',
      title: 'on target',
      unit: 'percent',
      max: 100,
      lines: [
        { label: 'configured weight', data: configuredShare(snapshot, input.changes, input.configuredPercent), colour: WEIGHT_COLOUR, dashed: true, stepped: true, width: 2 },
        side('target', targetShare(snapshot)),
      ],
    },
    {
      id: 'yErrors',
      title: '5xx rate',
      unit: 'percent',
      atLeast: 1,
      lines: [side('source', errorRatePercent(snapshot, 'source')), side('target', errorRatePercent(snapshot, 'target'))],
      ...(limits.errors ? { limit: limits.errors } : {}),
    },
    {
      id: 'yLatency',
      title: 'p99',
      unit: 'millisecond',
      lines: [side('source', p99('source')), side('target', p99('target'))],
      ...(limits.p99 ? { limit: limits.p99 } : {}),
    },
  ];
}

/** Minutes shown before the first change in the window: enough to see what "before" looked like. */
export const MINUTES_BEFORE_FIRST_CHANGE = 15;

/** The window from about 15 minutes before the first change it holds (the whole window without one). */
function fromFirstChange(snapshot: MetricsSnapshot, changes: ChartChange[]): MetricsSnapshot {
  const first = changes.map((c) => c.at).filter((t) => t >= snapshot.window.start && t < snapshot.window.end).sort((a, b) => a - b)[0];
  if (first === undefined) return snapshot;
  const start = Math.floor(first / 60_000) * 60_000 - MINUTES_BEFORE_FIRST_CHANGE * 60_000;
  return start <= snapshot.window.start ? snapshot : { ...snapshot, window: { start, end: snapshot.window.end } };
}

/** The switchover picture of one moment; undefined when CloudWatch had no requests at all in the window. */
export function switchoverChart(whole: SwitchoverChartInput): ChartSpec | undefined {
  const input = { ...whole, snapshot: fromFirstChange(whole.snapshot, whole.changes) };
  const { snapshot } = input;
  const any = (s: Side) => alignToMinutes(snapshot[s].requests, snapshot.window).some((v) => v !== null);
  if (!any('source') && !any('target')) return undefined;
  const recent = headlineWindow(snapshot.window.end, input.changes);
  return panelChart({
    title: headline(input, recent),
    subtitle: subtitle(input, recent),
    filename: `${input.stage}-${input.moment}.png`,
    window: snapshot.window,
    panels: panels(input),
    markers: input.changes,
  });
}
