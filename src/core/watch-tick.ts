// One minute of watching a stage after an applied change, as data: the figures, the judgement, the guardrails,
// and how far the switchover is from complete. Pure: the Watcher (watch.ts) does the reading and the talking.
import type { Baseline } from './journal';
import type { GuardrailEvaluation, SubjectHealth, WatchSettings } from './judge';
import { evaluateGuardrails, judgeShift } from './judge';
import type { MinuteFigures, ObservedSplit } from './traffic';
import { firstFullMinute, minutesOf, noDataSince, observedSplit, RECENT_MINUTES, recentWindowSince, sideMinute } from './traffic';
import { hhmm } from './format';
import type { MetricsSnapshot, MetricsWindow, Side, Weights } from './types';
import { MINUTE_MS } from './types';
import { targetPercent } from './weights';

/** Minutes before the change read with every tick: the reference when there is no baseline (and for load-balancer 5xx). */
export const PRE_CHANGE_MINUTES = 10;
/** SWITCHOVER_MIN_REQUESTS_PER_MINUTE's default: the least traffic on the target for a minute to count toward completion. */
export const DEFAULT_MIN_REQUESTS_PER_MINUTE = 20;
/** Consecutive minutes of source traffic after a 100% shift before it is called pinned connections. */
export const PINNED_MINUTES = 3;

/** What to watch: an applied change of weights on a stage, and where to talk about it. */
export interface WatchRequest {
  stage: string;
  requestId: string;
  channel: string;
  /** The request message; progress goes in its thread. */
  threadTs: string;
  /** Weights AWS reported after the change. */
  appliedWeights: Weights;
  /** Epoch ms. */
  appliedAt: number;
}

/** A running watch. */
export interface WatchInfo extends WatchRequest {
  /** 'fallback' when the change sends no new traffic to the target proxy: then the source is judged. */
  mode: 'shift' | 'fallback';
  /** Epoch ms when the watch window ends. */
  until: number;
  /** The progress message, once posted. */
  messageTs?: string;
}

export interface CompletionProgress {
  /** Only after a change that sends all new traffic to the target proxy. */
  applies: boolean;
  /**
   * Newest consecutive complete minutes after the change in which the source proxy served no request while
   * the target (or the load balancer) carried at least the minimum traffic: a quiet source means nothing
   * without traffic elsewhere, and a minute with no datapoint anywhere is no data, never quiet.
   */
  quietMinutes: number;
  needed: number;
  complete: boolean;
}

export interface PinnedConnections {
  /** Consecutive complete minutes after the change with requests still reaching the source proxy. */
  minutes: number;
  /** Average over those minutes (at most the last 5). */
  requestsPerMinute: number;
}

export interface WatchTick {
  watch: WatchInfo;
  /** When the tick ran (epoch ms). */
  at: number;
  /** The minutes read (ends at the newest settled complete minute). */
  window: MetricsWindow;
  /** Start of the newest minute read; null before any minute after the change is complete. */
  minute: number | null;
  configuredPercent: number;
  /** Newest minute's figures per side (null before the first minute after the change). */
  source: MinuteFigures | null;
  target: MinuteFigures | null;
  /** Split in the newest minute, and over the settled minutes since the change (the newest 5 at most; null before one). */
  splitLastMinute: ObservedSplit | null;
  splitRecent: ObservedSplit | null;
  /** The judge's verdict on every signal over the minutes since the change, and the guardrails' state. */
  evaluation: GuardrailEvaluation;
  /** Health of the judged side's target group. */
  health: SubjectHealth;
  /** What could not be read this minute, in words (metrics unavailable: the watch goes on). */
  missing: string[];
  completion: CompletionProgress;
  /** Set when requests keep reaching the source proxy after a 100% shift. */
  pinned: PinnedConnections | null;
}

export function watchMode(weights: Weights): WatchInfo['mode'] {
  return weights.target === 0 ? 'fallback' : 'shift';
}

/** The minute containing the change: judging starts there (it already carries some traffic under the new weights). */
export function changeMinute(appliedAt: number): number {
  return Math.floor(appliedAt / MINUTE_MS) * MINUTE_MS;
}

/** What a tick reads: from PRE_CHANGE_MINUTES before the change to the newest settled minute. */
export function watchWindow(appliedAt: number, settledEnd: number): MetricsWindow {
  const start = changeMinute(appliedAt) - PRE_CHANGE_MINUTES * MINUTE_MS;
  return { start, end: Math.max(start, settledEnd) };
}

function newestRun(minutes: MinuteFigures[], pred: (m: MinuteFigures) => boolean): MinuteFigures[] {
  const run: MinuteFigures[] = [];
  for (let i = minutes.length - 1; i >= 0 && pred(minutes[i]!); i--) run.push(minutes[i]!);
  return run;
}

/**
 * Everything one tick shows and decides, from the snapshot read (undefined when the read failed outright)
 * and the judged side's health.
 */
export function analyzeTick(args: {
  watch: WatchInfo;
  at: number;
  window: MetricsWindow;
  snapshot: MetricsSnapshot | undefined;
  snapshotError?: string;
  health: SubjectHealth;
  baseline: Baseline | undefined;
  settings: WatchSettings;
}): WatchTick {
  const { watch, at, window, snapshot, health, baseline, settings } = args;
  const subject: Side = watch.mode === 'fallback' ? 'source' : 'target';
  const missing: string[] = [];
  if (!snapshot) missing.push(`CloudWatch metrics unavailable: ${args.snapshotError ?? 'no answer'}`);
  else missing.push(...snapshot.missing);
  const silentSince = snapshot && snapshot.missing.length === 0 ? noDataSince(snapshot, window) : undefined;
  if (silentSince !== undefined) missing.push(`no data since ${hhmm(silentSince)} UTC: CloudWatch has no datapoint for any metric of the stage`);
  if ('error' in health) missing.push(`${health.side} proxy target group health: ${health.error}`);

  // Without a snapshot every minute is unknown (requests null): judged as 'no-data', never as a pass.
  const data: MetricsSnapshot = snapshot ?? { window, source: {}, target: {}, loadBalancer: {}, missing: [] };
  const from = changeMinute(watch.appliedAt);
  const judged = minutesOf(window).filter((t) => t >= from);
  const before = minutesOf(window).filter((t) => t < from);
  // Below 100% the source still takes new traffic: the fairest reference is the source in the same minutes.
  const sameMinutes = subject === 'target' && watch.appliedWeights.source > 0;
  const signals = judgeShift({ snapshot: data, after: judged, before, subject, sameMinutes, baseline }, settings);
  const evaluation = evaluateGuardrails(signals, health);
  const newest = judged[judged.length - 1];

  const full = firstFullMinute(watch.appliedAt);
  const afterMinutes = minutesOf(window).filter((t) => t >= full);
  const after = afterMinutes.map((t) => sideMinute(data, 'source', t));
  const allToTarget = watch.appliedWeights.source === 0 && watch.appliedWeights.target > 0;
  const minRequests = settings.minRequestsPerMinute ?? DEFAULT_MIN_REQUESTS_PER_MINUTE;
  const elsewhere = (t: number) => {
    const target = sideMinute(data, 'target', t).requests ?? 0;
    const elb5xx = data.loadBalancer.elb5xx?.find((p) => p.t === t)?.v ?? 0;
    return target + elb5xx;
  };
  const quiet = newestRun(after, (m) => m.requests === 0 && elsewhere(m.t) >= minRequests);
  const completion: CompletionProgress = {
    applies: allToTarget,
    quietMinutes: allToTarget ? quiet.length : 0,
    needed: settings.completeMinutes,
    complete: allToTarget && quiet.length >= settings.completeMinutes,
  };
  const busy = allToTarget ? newestRun(after, (m) => m.requests !== null && m.requests > 0) : [];
  const recentBusy = busy.slice(0, 5);
  const pinned =
    busy.length >= PINNED_MINUTES
      ? {
          minutes: busy.length,
          requestsPerMinute: Math.round(recentBusy.reduce((s, m) => s + (m.requests ?? 0), 0) / recentBusy.length),
        }
      : null;

  const hasMinute = newest !== undefined;
  // As status reads it: never a minute from before the change, nor the minute it happened in.
  const recent = recentWindowSince(window.end, full, RECENT_MINUTES);
  return {
    watch,
    at,
    window,
    minute: hasMinute ? newest : null,
    configuredPercent: targetPercent(watch.appliedWeights),
    source: hasMinute ? sideMinute(data, 'source', newest) : null,
    target: hasMinute ? sideMinute(data, 'target', newest) : null,
    splitLastMinute: snapshot && hasMinute ? observedSplit(data, { start: newest, end: newest + MINUTE_MS }) : null,
    splitRecent: snapshot && recent.start < recent.end ? observedSplit(data, recent) : null,
    evaluation,
    health,
    missing,
    completion,
    pinned,
  };
}
