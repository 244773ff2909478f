// The plan table: how gradual switchover plans fare over many simulated runs, core only (no app, no Slack), on
// the detection table's traffic model (bench/detection.ts: the dev stage's 1,200 requests a minute, Poisson
// noise, per-minute p99 of that minute's requests). Each minute the judge gives its verdicts on the step's
// minutes, as the watch does, and the plan's own decision (src/core/plan/decide.ts) says what the runner would
// do; the decisions are folded into the plan's state through the real PlanBook, as the journal would be.
//
// Measured: on healthy traffic, how often a plan completes, holds or pauses, and how long it takes, with the rule
// the plan uses (p99 inconclusive only for lack of volume does not hold a step) and without it (every signal must
// be healthy); on a breach at the 25 % step, the simulated minutes from its onset to the automatic fallback
// (the goal: the judge's detection time plus at most one tick). Seeded: the same table every run.
// Run alone with `npm run bench -- plan`.
import {
  DEFAULT_JUDGE_SETTINGS,
  evaluateGuardrails,
  judgeCounts,
  judgeLatency,
  type CountReference,
  type GuardrailEvaluation,
  type JudgeSettings,
  type LatencyReference,
  type SignalVerdict,
} from '../src/core/judge';
import type { JournalRecord } from '../src/core/journal';
import { decide } from '../src/core/plan/decide';
import { PlanBook, type Plan, type PlanSpec } from '../src/core/plan/plan';
import { MINUTE_MS, type Weights } from '../src/core/types';
import { weightsForPercent } from '../src/core/weights';
import {
  BASELINE_MINUTES,
  HEALTHY_SOURCE,
  HEALTHY_TARGET,
  REQUESTS_PER_MINUTE,
  seeded,
  simulateSide,
  type SideMinute,
  type SideTruth,
} from './detection';
import type { Random } from '../src/adapters/sim/random';
import { median } from './stats';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const HEALTHY_TARGETS = { side: 'target' as const, summary: { total: 2, healthy: 2, unhealthy: 0, initial: 0, draining: 0, unused: 0, unavailable: 0, problems: [] } };
/** A run gives up after this long (a plan that neither completes nor pauses by then is counted as running). */
const HORIZON_MINUTES = 600;

export type GateRule = 'plan' | 'strict';

export interface HealthyRow {
  plan: string;
  rule: GateRule;
  runs: number;
  completed: number;
  paused: number;
  /** Paused at which step (percent), by count. */
  pausedAt: Record<string, number>;
  medianMinutesToComplete: number | null;
  worstMinutesToComplete: number | null;
  medianHolds: number | null;
  /** Steps advanced with p99 only watched for a breach (inconclusive for lack of volume). */
  lowVolumeAdvances: number;
  falseFallbacks: number;
}

export interface BreachRow {
  breach: string;
  runs: number;
  /** Minutes of breach data until the automatic fallback (the first breach minute counts as 1). */
  medianMinutes: number | null;
  worstMinutes: number | null;
  /** Ticks between the judge's first breach verdict and the fallback decision, worst run. */
  worstExtraTicks: number | null;
  fellBack: number;
}

export interface PlanBenchResults {
  healthy: HealthyRow[];
  breaches: BreachRow[];
  seconds: number;
}

interface Step {
  target: SideMinute[];
  source: SideMinute[];
}

/** Every signal the bench simulates, judged on the step's minutes as the watch judges them. */
function evaluate(step: Step, share: number, baseline: { counts: { events: number; requests: number }; p99s: number[] } | undefined, settings: JudgeSettings, rule: GateRule): GuardrailEvaluation {
  const t = (i: number) => T0 + i * MINUTE_MS;
  const counts = (side: SideMinute[]) => side.map((m, i) => ({ t: t(i), events: m.http5xx, requests: m.requests }));
  const p99s = (side: SideMinute[]) => side.map((m, i) => ({ t: t(i), p99: m.p99, requests: m.requests }));
  const sameMinutes = share < 100;
  const countRef: CountReference = sameMinutes || !baseline
    ? { kind: 'source-same-minutes', label: 'source', minutes: counts(step.source) }
    : { kind: 'baseline', label: 'prep baseline', counts: baseline.counts };
  const latencyRef: LatencyReference = sameMinutes || !baseline
    ? { kind: 'source-same-minutes', label: 'source', minutes: p99s(step.source) }
    : { kind: 'baseline', label: 'prep baseline', p99s: baseline.p99s };
  const latency = judgeLatency({ subjectLabel: 'target', subject: p99s(step.target), reference: latencyRef }, settings);
  const signals: SignalVerdict[] = [
    judgeCounts({ signal: 'error-rate', what: '5xx', subjectLabel: 'target', subject: counts(step.target), reference: countRef }, settings),
    // The strict rule: every signal must be healthy, so a lack of volume holds the step like any inconclusive.
    rule === 'strict' ? { ...latency, lowVolume: undefined } : latency,
  ];
  return evaluateGuardrails(signals, HEALTHY_TARGETS);
}

/** A plan whose first step was just applied at T0, folded by the real PlanBook. */
function startPlan(spec: PlanSpec): { book: PlanBook; plan: () => Plan } {
  const at = new Date(T0).toISOString();
  const base = { at, stage: 'dev', requestId: 'r-benchplan' };
  const first = weightsForPercent(spec.steps[0]!);
  const records: JournalRecord[] = [
    { ...base, type: 'request.created', kind: 'plan', requester: 'U1', channel: 'C1', from: { source: 100, target: 0 }, to: first, percent: spec.steps[0]!, expiresAt: at, plan: spec },
    { ...base, type: 'request.posted', channel: 'C1', messageTs: '1.1' },
    { ...base, type: 'request.approved', approver: 'U2' },
    { ...base, type: 'request.applied', before: { source: 100, target: 0 }, after: first },
  ];
  const book = PlanBook.fold(records);
  return { book, plan: () => book.get('r-benchplan')! };
}

interface RunOutcome {
  end: 'completed' | 'paused' | 'fell-back' | 'running';
  minutes: number;
  holds: number;
  pausedAtPercent?: number;
  lowVolumeAdvances: number;
  /** Breach runs: the minute the breach started, the first minute the judge said breach, the fallback's. */
  onset?: number;
  firstBreachMinute?: number;
  fallbackMinute?: number;
}

/**
 * One plan, minute by minute: traffic at the step's share, the judge on the step's minutes, the plan's decision
 * applied through the PlanBook. `breach`: from `onsetMinute` of the step at `atPercent`, the target is this bad.
 */
function runPlan(
  spec: PlanSpec,
  random: Random,
  settings: JudgeSettings,
  rule: GateRule,
  breach?: { atPercent: number; onsetMinute: number; truth: (healthy: SideTruth) => SideTruth },
): RunOutcome {
  const { book, plan } = startPlan(spec);
  const baselineMinutes = Array.from({ length: BASELINE_MINUTES }, () => simulateSide(REQUESTS_PER_MINUTE * random.jitter(0.06), HEALTHY_SOURCE));
  const baseline = {
    counts: { events: baselineMinutes.reduce((s, m) => s + m.http5xx, 0), requests: baselineMinutes.reduce((s, m) => s + m.requests, 0) },
    p99s: baselineMinutes.flatMap((m) => (m.p99 === null ? [] : [m.p99])),
  };
  let step: Step = { target: [], source: [] };
  let holds = 0;
  let lowVolumeAdvances = 0;
  let onset: number | undefined;
  let firstBreachMinute: number | undefined;
  const record = (fields: Record<string, unknown>, minute: number) =>
    book.apply({ at: new Date(T0 + minute * MINUTE_MS).toISOString(), stage: 'dev', requestId: 'r-benchplan', step: plan().step, ...fields } as JournalRecord);
  for (let minute = 1; minute <= HORIZON_MINUTES; minute++) {
    const share = spec.steps[plan().step - 1]!;
    const total = REQUESTS_PER_MINUTE * random.jitter(0.06);
    const breaking = breach && share === breach.atPercent && step.target.length >= breach.onsetMinute;
    if (breaking && onset === undefined) onset = minute;
    const truth = breaking ? breach.truth(HEALTHY_TARGET) : HEALTHY_TARGET;
    step.target.push(simulateSide((total * share) / 100, truth));
    step.source.push(simulateSide((total * (100 - share)) / 100, HEALTHY_SOURCE));
    const evaluation = evaluate(step, share, baseline, settings, rule);
    if (evaluation.state === 'breach' && firstBreachMinute === undefined) firstBreachMinute = minute;
    const current = plan();
    // The tick of minute m runs once minute m has settled: the clock is at its end.
    const action = decide(current, { at: T0 + minute * MINUTE_MS, watchedWeights: current.weights, evaluation });
    const base = { minutes: minute, holds, lowVolumeAdvances, ...(onset !== undefined ? { onset } : {}), ...(firstBreachMinute !== undefined ? { firstBreachMinute } : {}) };
    switch (action.action) {
      case 'none':
        continue;
      case 'fallback':
        return { ...base, end: 'fell-back', fallbackMinute: minute };
      case 'pause':
        return { ...base, end: 'paused', pausedAtPercent: share };
      case 'complete':
        return { ...base, end: 'completed' };
      case 'hold':
        holds++;
        record({ type: 'plan.held', holds: action.holds, verdict: action.verdict }, minute);
        continue;
      case 'advance': {
        if (/only watched for a breach/.test(action.verdict)) lowVolumeAdvances++;
        const from: Weights = current.weights;
        record({ type: 'plan.step-started', step: action.step, from, to: action.to }, minute);
        record({ type: 'plan.step-applied', step: action.step, before: from, after: action.to }, minute);
        step = { target: [], source: [] };
        continue;
      }
    }
  }
  return { end: 'running', minutes: HORIZON_MINUTES, holds, lowVolumeAdvances };
}

function healthyRow(spec: PlanSpec, rule: GateRule, runs: number, random: Random, settings: JudgeSettings): HealthyRow {
  const outcomes = Array.from({ length: runs }, () => runPlan(spec, random, settings, rule));
  const done = outcomes.filter((o) => o.end === 'completed').map((o) => o.minutes);
  const pausedAt: Record<string, number> = {};
  for (const o of outcomes) if (o.end === 'paused') pausedAt[`${o.pausedAtPercent} %`] = (pausedAt[`${o.pausedAtPercent} %`] ?? 0) + 1;
  return {
    plan: `${spec.steps.join(',')} every ${spec.bakeMinutes}m`,
    rule,
    runs,
    completed: done.length,
    paused: outcomes.filter((o) => o.end === 'paused').length,
    pausedAt,
    medianMinutesToComplete: done.length ? median(done) : null,
    worstMinutesToComplete: done.length ? Math.max(...done) : null,
    medianHolds: median(outcomes.map((o) => o.holds)),
    lowVolumeAdvances: outcomes.reduce((s, o) => s + o.lowVolumeAdvances, 0),
    falseFallbacks: outcomes.filter((o) => o.end === 'fell-back').length,
  };
}

const BREACHES: Array<{ name: string; truth: (healthy: SideTruth) => SideTruth }> = [
  { name: '5xx +20 points at 25 %', truth: (h) => ({ ...h, error5xx: HEALTHY_SOURCE.error5xx + 0.2 }) },
  { name: '5xx +5 points at 25 %', truth: (h) => ({ ...h, error5xx: HEALTHY_SOURCE.error5xx + 0.05 }) },
  { name: 'p99 x3 at 25 %', truth: (h) => ({ ...h, p99: HEALTHY_SOURCE.p99 * 3 }) },
];

function breachRow(b: (typeof BREACHES)[number], runs: number, random: Random, settings: JudgeSettings): BreachRow {
  const spec: PlanSpec = { steps: [5, 25, 100], bakeMinutes: 10 };
  const delays: number[] = [];
  const extra: number[] = [];
  for (let i = 0; i < runs; i++) {
    const o = runPlan(spec, random, settings, 'plan', { atPercent: 25, onsetMinute: 3, truth: b.truth });
    if (o.end !== 'fell-back' || o.onset === undefined || o.fallbackMinute === undefined) continue;
    delays.push(o.fallbackMinute - o.onset + 1);
    if (o.firstBreachMinute !== undefined) extra.push(o.fallbackMinute - o.firstBreachMinute);
  }
  return {
    breach: b.name,
    runs,
    fellBack: delays.length,
    medianMinutes: delays.length ? median(delays) : null,
    worstMinutes: delays.length ? Math.max(...delays) : null,
    worstExtraTicks: extra.length ? Math.max(...extra) : null,
  };
}

export const HEALTHY_PLANS: PlanSpec[] = [
  { steps: [1, 5, 25, 100], bakeMinutes: 10 },
  { steps: [1, 5, 25, 100], bakeMinutes: 30 },
  { steps: [5, 25, 50, 100], bakeMinutes: 10 },
];

export function measurePlans(options: { runs?: number; seed?: number } = {}): PlanBenchResults {
  const started = Date.now();
  const runs = options.runs ?? 200;
  const settings = { ...DEFAULT_JUDGE_SETTINGS };
  return seeded(options.seed ?? 16, (random) => {
    const healthy = HEALTHY_PLANS.flatMap((spec) => (['plan', 'strict'] as const).map((rule) => healthyRow(spec, rule, runs, random, settings)));
    const breaches = BREACHES.map((b) => breachRow(b, runs, random, settings));
    return { healthy, breaches, seconds: (Date.now() - started) / 1000 };
  });
}

export function formatPlans(r: PlanBenchResults): string {
  const lines = [
    'Gradual plans on healthy traffic (dev: 1,200 requests/min; the judge on each step\'s minutes, as the watch):',
    '| plan | rule | completed | paused (at) | minutes to complete, median / worst | holds, median | steps advanced with p99 only watched | false fallbacks |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.healthy.map((h) => {
      const at = Object.entries(h.pausedAt).map(([k, v]) => `${v} at ${k}`).join(', ');
      const minutes = h.medianMinutesToComplete === null ? 'n/a' : `${h.medianMinutesToComplete} / ${h.worstMinutesToComplete}`;
      return `| ${h.plan} | ${h.rule === 'plan' ? 'plan (p99 low volume: breach-only)' : 'strict (every signal healthy)'} | ${h.completed} of ${h.runs} | ${h.paused}${at ? ` (${at})` : ''} | ${minutes} | ${h.medianHolds} | ${h.lowVolumeAdvances} | ${h.falseFallbacks} |`;
    }),
    '',
    'Breach during a plan (5,25,100 every 10m; the breach starts at minute 3 of the 25 % step): minutes of breach data until the automatic fallback',
    '| breach | fell back | minutes, median / worst | ticks after the judge\'s first breach verdict, worst |',
    '| --- | --- | --- | --- |',
    ...r.breaches.map((b) => `| ${b.breach} | ${b.fellBack} of ${b.runs} | ${b.medianMinutes ?? 'n/a'} / ${b.worstMinutes ?? 'n/a'} | ${b.worstExtraTicks ?? 'n/a'} |`),
  ];
  return lines.join('\n');
}
