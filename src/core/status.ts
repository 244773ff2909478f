// `/switchover status [<stage>]`: where a stage stands, from a fixed number of AWS reads made in parallel.
// Each read may fail on its own; the status then says what is unknown, in words, and answers with the rest.
import { Semaphore } from 'async-mutex';
import type { Baseline } from './journal';
import { changeLabel, changeWords, type ChangeMark } from './changes';
import { errorMessage, hhmm, msText, percentText } from './format';
import type { HealthSummary } from './health';
import { summarizeHealth } from './health';
import type { CoreDeps } from './ports';
import type { ObservedSplit, SideTotals } from './traffic';
import { DEFAULT_SETTLE_MS, firstFullMinute, loadBalancerAverage, noDataSince, RECENT_MINUTES, recentWindowSince, settledWindow, sideTotals, splitOf } from './traffic';
import type { SeenBreach, WatchState } from './watch-state';
import { DEFAULT_MIN_REQUESTS_PER_MINUTE } from './watch-tick';
import type { Plan } from './plan/plan';
import type { SwitchoverRequest } from './requests/request';
import type { MetricsSnapshot, MetricsWindow, ProxyServices, Side, StageResources, Weights } from './types';
import { MINUTE_MS } from './types';
import { configuredTargetPercent, describeListener, groupShares, ruleWarnings } from './listener';
import { targetPercent } from './weights';

/** The chart and the status look back this far. */
export const STATUS_WINDOW_MINUTES = 60;
/** The no-stage form reads this many listeners at a time, so many stages do not trip AWS throttling. */
const LIST_CONCURRENCY = 8;

/** The stage's open request, as the approval service knows it. */
export type OpenRequestSummary = Pick<SwitchoverRequest, 'id' | 'kind' | 'percent' | 'requester' | 'to' | 'expiresAt'>;

/** The stage's last applied change of weights: its weights before and after, as AWS reported them. */
export interface LastAppliedSummary extends Pick<SwitchoverRequest, 'id' | 'kind' | 'percent'>, Partial<Pick<SwitchoverRequest, 'requester' | 'approver'>> {
  before: Weights;
  after: Weights;
  /** Epoch ms. */
  appliedAt: number;
}

export interface StatusContext {
  baseline?: Baseline;
  openRequest?: OpenRequestSummary;
  lastApplied?: LastAppliedSummary;
  changes: ChangeMark[];
  /** SWITCHOVER_MIN_REQUESTS_PER_MINUTE; below it on average the split is not observed. */
  minRequestsPerMinute?: number;
  /** SWITCHOVER_SETTLE_SECONDS in ms: minutes are read this long after they end, as the watch reads them. */
  settleMs?: number;
  /** What the watch has seen on the stage (core/watch-state.ts); shown first, in the watch's words. */
  watch?: WatchState;
  /** The stage's running plan, or its newest one if it ended since the last change. */
  plan?: Plan;
}

/** The minutes status reads the split and each side's figures over, and how it says them. */
export interface TrafficWindow extends MetricsWindow {
  /** Settled minutes in it: 0 right after a change, before its first full minute has settled. */
  minutes: number;
  /** The newest applied change, in words ("the 25% shift") and its weights when known; absent when none is known. */
  change?: { at: number; words: string; before?: Weights; after?: Weights };
  /** Whether the window starts at the change (it is younger than RECENT_MINUTES settled minutes). */
  sinceChange: boolean;
  /**
   * The listener's share now differs from what that change left: the weights were changed outside the bot, at a
   * time it cannot know, so the window may straddle that change (and no reason is given for the split).
   */
  changedOutside: boolean;
  /** "12:41-12:44 UTC, 3 settled minutes since the 25% shift". */
  text: string;
}

/** The newest applied change the context knows of. */
function latestChange(context: StatusContext): TrafficWindow['change'] {
  const applied = context.lastApplied;
  const mark = context.changes.reduce<ChangeMark | undefined>((newest, c) => (!newest || c.at > newest.at ? c : newest), undefined);
  if (applied && (!mark || applied.appliedAt >= mark.at)) {
    const words = changeWords({ label: changeLabel(applied.kind, applied.percent) });
    return { at: applied.appliedAt, words, before: applied.before, after: applied.after };
  }
  return mark ? { at: mark.at, words: changeWords(mark) } : undefined;
}

const minutesWord = (n: number) => `${n} settled minute${n === 1 ? '' : 's'}`;

/**
 * The settled minutes since the newest applied change, the newest RECENT_MINUTES of them at most. The minute
 * the change happened in is never read: it mixes the old weights with the new.
 */
export function trafficWindow(settledEnd: number, context: StatusContext, configuredPercent: number | null = null): TrafficWindow {
  const change = latestChange(context);
  const changedOutside = configuredPercent !== null && change?.after !== undefined && targetPercent(change.after) !== configuredPercent;
  const firstFull = change ? firstFullMinute(change.at) : Number.NEGATIVE_INFINITY;
  const { start } = recentWindowSince(settledEnd, firstFull, RECENT_MINUTES);
  const minutes = (settledEnd - start) / MINUTE_MS;
  const sinceChange = change !== undefined && start === firstFull;
  const span = `${hhmm(start)}-${hhmm(settledEnd)} UTC`;
  let text: string;
  if (minutes === 0) {
    const readAt = firstFull + MINUTE_MS + (context.settleMs ?? DEFAULT_SETTLE_MS);
    text = `no settled minute since ${change!.words} at ${hhmm(change!.at)} UTC yet (the first, ${hhmm(firstFull)}-${hhmm(firstFull + MINUTE_MS)} UTC, is read at ${hhmm(readAt)} UTC)`;
  } else if (sinceChange) {
    text = `${span}, ${minutesWord(minutes)} since ${change.words}`;
  } else {
    text = `${span}, the last ${minutesWord(minutes)}${change ? `, all after ${change.words} at ${hhmm(change.at)} UTC` : ''}`;
  }
  if (changedOutside) {
    text += `; the weights were changed outside the bot since ${change!.words} (which left ${percentText(targetPercent(change!.after!))} to the target proxy), at a time the bot cannot know: these minutes may straddle that change`;
  }
  return { start, end: settledEnd, minutes, ...(change ? { change } : {}), sinceChange, changedOutside, text };
}

/** A read that worked, or why it did not. */
export type Known<T> = { ok: true; value: T } | { ok: false; error: string };

export interface ListenerStatus {
  weights: Weights;
  /** "source 90 / target 10 (10% of new traffic to the target proxy)", or the listener as left outside the bot. */
  description: string;
  /** Share of new traffic to the target proxy, counting every group of the default forward. */
  targetPercent: number;
  /** Every group of the default forward with its share. */
  groups: ReturnType<typeof groupShares>;
  stickiness: { enabled: boolean; durationSeconds?: number };
  /** Rules that bypass the default weights, in words. */
  warnings: string[];
}

export interface SideStatus {
  side: Side;
  health: Known<HealthSummary>;
  /** Over the traffic window; null when CloudWatch could not be read at all. */
  recent: SideTotals | null;
  /** Errors and latency against the baseline, in words. */
  comparison: string;
}

/** The context's watch, plan, baseline, open request, last applied change and changes, as given. */
export interface StageStatus extends Omit<StatusContext, 'minRequestsPerMinute' | 'settleMs'> {
  stage: string;
  /** When the status was gathered (epoch ms). */
  at: number;
  resources: StageResources;
  listener: Known<ListenerStatus>;
  proxies: Known<ProxyServices>;
  source: SideStatus;
  target: SideStatus;
  /** The 60-minute snapshot (charts use it); absent when the metrics read failed outright. */
  snapshot?: MetricsSnapshot;
  /** Window of the observed split and the recent figures: settled minutes, none before the last change. */
  recentWindow: TrafficWindow;
  split: ObservedSplit | null;
  connections: { active: number | null; new: number | null };
  /** "baseline from prep at ..." or "no baseline (run /switchover prep dev)". */
  baselineNote: string;
  /** One line: configured against observed. */
  verdict: string;
  /** Everything that could not be read, in words. */
  unknown: string[];
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

/** Requests per minute: whole above 1, else one significant digit ("~0.4"), never "~0". */
function perMinuteText(v: number): string {
  return String(v >= 1 ? Math.round(v) : Number(v.toPrecision(1)));
}

/**
 * Recent errors, latency and volume of one side next to the baseline, in words. The baseline is the
 * source proxy's before the switchover, so both sides are held against it.
 */
export function compareWithBaseline(recent: SideTotals | null, baseline: Baseline | undefined): string {
  if (recent === null || recent.requests === null) return 'requests unknown (CloudWatch unavailable)';
  if (recent.minutes === 0) return 'no settled minute since the change yet';
  if (recent.requests === 0) return `no requests in ${recent.minutes} settled minute${recent.minutes === 1 ? '' : 's'}`;
  const b = baseline;
  const parts: string[] = [`${Math.round(recent.requestsPerMinute ?? 0)} requests/min`];
  if (b) parts[0] += ` (baseline ${Math.round(b.requestsPerMinute)})`;
  const rate = recent.errorRate5xx === null ? 'unknown' : percentText(recent.errorRate5xx * 100);
  parts.push(`5xx ${rate}${b && b.errorRate5xx !== null ? ` (baseline ${percentText(b.errorRate5xx * 100)})` : ''}`);
  if (recent.latencyAvg !== null) {
    parts.push(`avg ${msText(recent.latencyAvg)}${b && b.latencyAvg !== null ? ` (baseline ${msText(b.latencyAvg)})` : ''}`);
  }
  if (recent.latencyP99 !== null) {
    const factor = b && b.latencyP99 !== null && b.latencyP99 > 0 ? `, ${round1(recent.latencyP99 / b.latencyP99)}x` : '';
    parts.push(`p99 ${msText(recent.latencyP99)}${b && b.latencyP99 !== null ? ` (baseline ${msText(b.latencyP99)}${factor})` : ''}`);
  }
  return parts.join(', ');
}

/**
 * The traffic line: what the weights ask for against what the load balancer actually did over the traffic
 * window, e.g. "25% configured, 24.6% observed (12:41-12:44 UTC, 3 settled minutes since the 25% shift)". The
 * shares are rates, which a newest minute still partly published keeps. Kept-alive connections are given as
 * the reason only when the side above its configured share is the one the last change took weight from, with
 * the numbers that show it.
 */
export function statusVerdict(
  configuredPercent: number | null,
  split: ObservedSplit | null,
  window: TrafficWindow,
  minRequestsPerMinute: number,
  metricsProblem?: string,
): string {
  const configured = configuredPercent === null ? 'weights unknown' : `${percentText(configuredPercent)} configured`;
  if (window.minutes === 0) return `${configured}; ${window.text}`;
  if (!split || split.targetPercent === null) {
    if (split && split.sourceRequests !== null && split.targetRequests !== null) {
      return `${configured}; no traffic in ${window.text} to observe the split`;
    }
    return `${configured}; observed split unknown (${metricsProblem ?? 'CloudWatch unavailable'})`;
  }
  const minutes = window.minutes;
  const source = split.sourceRequests ?? 0;
  const target = split.targetRequests ?? 0;
  const total = source + target;
  if (total < minRequestsPerMinute * minutes) {
    return `${configured}; not enough traffic in ${window.text} to observe the split (${total} requests)`;
  }
  // From the counts, not the rounded share: 2 requests in 5,000 are 0.04%, not 0%.
  const observedTarget = (target / total) * 100;
  const head = `${configured}, ${percentText(observedTarget)} observed (${window.text})`;
  if (configuredPercent === null) return head;
  // Which side served more than its configured share: any request at all at 0 % (or 100 %), else 5 points off.
  const above: Side | null =
    configuredPercent === 100 && source > 0
      ? 'source'
      : configuredPercent === 0 && target > 0
        ? 'target'
        : Math.abs(configuredPercent - observedTarget) < 5
          ? null
          : observedTarget < configuredPercent
            ? 'source'
            : 'target';
  if (above === null) return head;
  const configuredShare = above === 'source' ? 100 - configuredPercent : configuredPercent;
  const observedShare = ((above === 'source' ? source : target) / total) * 100;
  const over = ((above === 'source' ? source : target) - (total * configuredShare) / 100) / minutes;
  const numbers =
    `the ${above} proxy served ${percentText(observedShare)} of requests against ${percentText(configuredShare)} configured ` +
    `(~${perMinuteText(over)} requests/min over its share)`;
  // Kept-alive connections explain it only when the last change took weight from that side, and nothing else changed since.
  const share = (w: Weights | undefined) => (w && w.source + w.target > 0 ? w[above] / (w.source + w.target) : undefined);
  const before = share(window.change?.before);
  const after = share(window.change?.after);
  if (window.changedOutside || before === undefined || after === undefined || after >= before) return `${head}: ${numbers}`;
  return `${head}: ${numbers}, after ${window.change!.words} took weight from it: clients on kept-alive connections stay until they reconnect`;
}

type StatusDeps = Pick<CoreDeps, 'resolver' | 'loadBalancer' | 'ecs' | 'metrics' | 'clock'>;

/**
 * Everything `/switchover status <stage>` shows. Costs exactly 5 AWS reads, in parallel, whatever the
 * number of targets: the listener, both groups' target health, both ECS services (one call), and one
 * metrics snapshot of the last 60 settled minutes (one GetMetricData). Stage resolution is cached by its adapter.
 */
export async function gatherStatus(deps: StatusDeps, stage: string, context: StatusContext): Promise<StageStatus> {
  const resources = await deps.resolver.resolve(stage);
  const at = deps.clock.now();
  const { minRequestsPerMinute, settleMs, ...shown } = context;
  const window = settledWindow(at, STATUS_WINDOW_MINUTES, settleMs);
  const [listenerR, sourceHealthR, targetHealthR, proxiesR, snapshotR] = await Promise.allSettled([
    deps.loadBalancer.readListener(resources),
    deps.loadBalancer.targetHealth(resources.sourceProxyTargetGroup),
    deps.loadBalancer.targetHealth(resources.targetProxyTargetGroup),
    deps.ecs.describeProxies(resources),
    deps.metrics.snapshot(resources, window),
  ]);

  const unknown: string[] = [];
  /** A read seen through `view`, or why it failed (also noted among the unknowns, as `what`). */
  const read = <T, R>(r: PromiseSettledResult<T>, what: string, view: (value: T) => R): Known<R> => {
    if (r.status === 'fulfilled') return { ok: true, value: view(r.value) };
    const error = errorMessage(r.reason);
    unknown.push(`${what}: ${error}`);
    return { ok: false, error };
  };
  const listener = read(listenerR, 'switchover listener weights', (l) => ({
    weights: l.weights,
    description: describeListener(l),
    targetPercent: configuredTargetPercent(l),
    groups: groupShares(l),
    stickiness: l.stickiness,
    warnings: ruleWarnings(l),
  }));
  const sourceHealth = read(sourceHealthR, 'source proxy target group health', summarizeHealth);
  const targetHealth = read(targetHealthR, 'target proxy target group health', summarizeHealth);
  const proxies = read(proxiesR, 'ECS proxy services', (p) => p);
  const snapshotRead = read(snapshotR, 'CloudWatch metrics', (m) => m);
  const snapshot = snapshotRead.ok ? snapshotRead.value : undefined;
  if (snapshotRead.ok) unknown.push(...snapshotRead.value.missing.map((m) => `CloudWatch: ${m}`));
  const silentSince = snapshot && snapshot.missing.length === 0 ? noDataSince(snapshot) : undefined;
  if (silentSince !== undefined) unknown.push(`CloudWatch: no data since ${hhmm(silentSince)} UTC (no datapoint for any metric of the stage)`);

  const recentWindow = trafficWindow(window.end, context, listener.ok ? listener.value.targetPercent : null);
  const recent = (side: Side) => (snapshot ? sideTotals(snapshot, side, recentWindow) : null);
  const sourceRecent = recent('source');
  const targetRecent = recent('target');
  const split = sourceRecent && targetRecent ? splitOf(recentWindow, sourceRecent.requests, targetRecent.requests) : null;
  const { baseline } = context;

  const metricsProblem = snapshotRead.ok
    ? (snapshotRead.value.missing.find((m) => /request/i.test(m)) ?? snapshotRead.value.missing[0] ?? 'requests not available from CloudWatch')
    : `CloudWatch: ${snapshotRead.error}`;

  return {
    ...shown,
    stage,
    at,
    resources,
    listener,
    proxies,
    source: { side: 'source', health: sourceHealth, recent: sourceRecent, comparison: compareWithBaseline(sourceRecent, baseline) },
    target: { side: 'target', health: targetHealth, recent: targetRecent, comparison: compareWithBaseline(targetRecent, baseline) },
    snapshot,
    recentWindow,
    split,
    connections: {
      active: snapshot ? loadBalancerAverage(snapshot, 'activeConnections', recentWindow) : null,
      new: snapshot ? loadBalancerAverage(snapshot, 'newConnections', recentWindow) : null,
    },
    baselineNote: baseline
      ? `baseline from prep (${hhmm(baseline.start)}-${hhmm(baseline.end)} UTC, ${baseline.minutesWithTraffic} minutes with traffic)`
      : `no baseline (run /switchover prep ${stage})`,
    verdict: statusVerdict(
      listener.ok ? listener.value.targetPercent : null,
      split,
      recentWindow,
      minRequestsPerMinute ?? DEFAULT_MIN_REQUESTS_PER_MINUTE,
      metricsProblem,
    ),
    unknown,
  };
}

/** What the no-stage form knows of a stage before reading its listener. */
export interface StageListEntry {
  stage: string;
  openRequest?: OpenRequestSummary;
  /** Breaches of the running watch it has not seen clear (core/watch-state.ts). */
  breaches?: SeenBreach[];
  /** The stage's running plan. */
  plan?: Plan;
}

/** One line of the no-stage form. */
export interface StageLine extends StageListEntry {
  weights?: Weights;
  /** Weights in words, or "unknown: <reason>". */
  description: string;
}

/**
 * `/switchover status` without a stage: one line per stage, weights in words and the open request flag.
 * One readListener per stage (plus the adapter-cached resolution), a few at a time; a failure is that
 * stage's line, never the whole answer. Without `stages`, lists every stage the resolver can see.
 */
export async function listStatus(
  deps: Pick<CoreDeps, 'resolver' | 'loadBalancer'>,
  stages?: Array<string | StageListEntry>,
): Promise<StageLine[]> {
  const entries: StageListEntry[] = (stages ?? (await deps.resolver.listStages())).map((s) =>
    typeof s === 'string' ? { stage: s } : s,
  );
  const slots = new Semaphore(LIST_CONCURRENCY);
  return Promise.all(
    entries.map((entry) =>
      slots.runExclusive(async (): Promise<StageLine> => {
        try {
          const resources = await deps.resolver.resolve(entry.stage);
          const listener = await deps.loadBalancer.readListener(resources);
          return { ...entry, weights: listener.weights, description: describeListener(listener) };
        } catch (error) {
          return { ...entry, description: `unknown: ${errorMessage(error)}` };
        }
      }),
    ),
  );
}
