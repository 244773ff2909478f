// The detection table: how fast the judge (src/core/judge) finds a breach, and how often it cries wolf, over
// many simulated watches. Core only, no app and no Slack: the judge is run directly on simulated minute counts,
// so thousands of watches take seconds. Run alone with `npm run bench -- detection`.
//
// Traffic follows the simulator (src/adapters/sim): the dev stage's 1,200 requests a minute with its +-6 %
// minute-to-minute swing, the source proxy's 0.2 % 5xx and 200 ms p99, the target proxy's 0.1 % and 160 ms;
// on top of that, Poisson noise: each minute's requests and 5xx on a side are Poisson counts (a dozen requests
// at 1 % really do come as 8 or 17). A minute's p99 is the 99th percentile of that minute's requests drawn
// from a log-normal latency (sigma 0.5) whose true p99 is the profile's: with few requests it is their
// maximum, as CloudWatch's would be. Seeded: the same table every run on the same code.
import { jStat } from 'jstat';
import { DEFAULT_STAGES, SOURCE_PROFILE, TARGET_PROFILE } from '../src/adapters/sim/stack';
import { Random } from '../src/adapters/sim/random';
import {
  DEFAULT_JUDGE_SETTINGS,
  judgeCounts,
  judgeLatency,
  type CountMinute,
  type CountReference,
  type JudgeSettings,
  type LatencyReference,
  type P99Minute,
  type Verdict,
} from '../src/core/judge';
import { median, percentile } from './stats';

const MINUTE = 60_000;
export const REQUESTS_PER_MINUTE = DEFAULT_STAGES[0]!.requestsPerMinute;
const LATENCY_SIGMA = 0.5;
/** The prep baseline's window (prep's default), at 100 %. */
export const BASELINE_MINUTES = 30;
/** The breach starts this many minutes into the watch, and is looked for this many minutes after. */
const ONSET_MINUTE = 10;
const HORIZON_MINUTES = 30;
const WATCH_MINUTES = 60;
export const SHARES = [1, 5, 25, 100] as const;

export interface Breach {
  name: string;
  signal: 'error-rate' | 'p99-latency';
  /** 5xx: percentage points above the source's rate. */
  points?: number;
  /** p99: multiple of the source's p99. */
  factor?: number;
}
export const BREACHES: Breach[] = [
  { name: '5xx +1 point', signal: 'error-rate', points: 1 },
  { name: '5xx +5 points', signal: 'error-rate', points: 5 },
  { name: '5xx +20 points', signal: 'error-rate', points: 20 },
  { name: 'p99 x3', signal: 'p99-latency', factor: 3 },
];

export interface SideTruth {
  error5xx: number;
  /** Seconds. */
  p99: number;
}

export interface SideMinute {
  requests: number;
  http5xx: number;
  p99: number | null;
}

/** One simulated minute of one side carrying `expected` requests on average. */
export function simulateSide(expected: number, truth: SideTruth): SideMinute {
  const http5xx = expected > 0 ? jStat.poisson.sample(expected * truth.error5xx) : 0;
  const ok = expected > 0 ? jStat.poisson.sample(expected * (1 - truth.error5xx)) : 0;
  const requests = http5xx + ok;
  if (requests === 0) return { requests, http5xx, p99: null };
  // The k-th smallest of n uniform draws is Beta(k, n + 1 - k): the minute's p99 without drawing every request.
  const k = Math.max(1, Math.ceil(0.99 * requests));
  const u = jStat.beta.sample(k, requests + 1 - k);
  const mu = Math.log(truth.p99) - LATENCY_SIGMA * jStat.normal.inv(0.99, 0, 1);
  return { requests, http5xx, p99: Math.exp(mu + LATENCY_SIGMA * jStat.normal.inv(u, 0, 1)) };
}

interface Watch {
  target: SideMinute[];
  source: SideMinute[];
  /** At 100 %: the prep baseline. */
  baseline?: { counts: { events: number; requests: number }; p99s: number[] };
}

export const HEALTHY_SOURCE: SideTruth = { error5xx: SOURCE_PROFILE.error5xx, p99: SOURCE_PROFILE.latencyP99 };
export const HEALTHY_TARGET: SideTruth = { error5xx: TARGET_PROFILE.error5xx, p99: TARGET_PROFILE.latencyP99 };

function newWatch(share: number, random: Random): Watch {
  const watch: Watch = { target: [], source: [] };
  if (share === 100) {
    const minutes = Array.from({ length: BASELINE_MINUTES }, () => simulateSide(REQUESTS_PER_MINUTE * random.jitter(0.06), HEALTHY_SOURCE));
    watch.baseline = {
      counts: { events: minutes.reduce((s, m) => s + m.http5xx, 0), requests: minutes.reduce((s, m) => s + m.requests, 0) },
      p99s: minutes.flatMap((m) => (m.p99 === null ? [] : [m.p99])),
    };
  }
  return watch;
}

function addMinute(watch: Watch, share: number, random: Random, target: SideTruth): void {
  const total = REQUESTS_PER_MINUTE * random.jitter(0.06);
  watch.target.push(simulateSide((total * share) / 100, target));
  watch.source.push(simulateSide((total * (100 - share)) / 100, HEALTHY_SOURCE));
}

/** The judge's verdicts on the watch so far, 5xx and p99, as the watch would give them (references included). */
function judge(watch: Watch, settings: JudgeSettings): { errorRate: Verdict; p99: Verdict } {
  const t = (i: number) => i * MINUTE;
  const counts = (side: SideMinute[]): CountMinute[] => side.map((m, i) => ({ t: t(i), events: m.http5xx, requests: m.requests }));
  const p99s = (side: SideMinute[]): P99Minute[] => side.map((m, i) => ({ t: t(i), p99: m.p99, requests: m.requests }));
  const countRef: CountReference = watch.baseline
    ? { kind: 'baseline', label: 'prep baseline', counts: watch.baseline.counts }
    : { kind: 'source-same-minutes', label: 'source', minutes: counts(watch.source) };
  const latencyRef: LatencyReference = watch.baseline
    ? { kind: 'baseline', label: 'prep baseline', p99s: watch.baseline.p99s }
    : { kind: 'source-same-minutes', label: 'source', minutes: p99s(watch.source) };
  return {
    errorRate: judgeCounts({ signal: 'error-rate', what: '5xx', subjectLabel: 'target', subject: counts(watch.target), reference: countRef }, settings).verdict,
    p99: judgeLatency({ subjectLabel: 'target', subject: p99s(watch.target), reference: latencyRef }, settings).verdict,
  };
}

export interface DetectionRow {
  breach: string;
  share: number;
  runs: number;
  /** Runs in which the breach was called within the horizon. */
  detected: number;
  /** Minutes of breach data (the onset minute counting as the first) until the breach verdict; detected runs. */
  medianMinutes: number | null;
  worstMinutes: number | null;
  /**
   * Runs whose verdict on the signal was healthy once the newer half of the window lay after the onset (from
   * minute 2 x onset): before that the clean minutes still rightly vouch for part of the window.
   */
  healthyAfterOnset: number;
  /** Runs whose verdict was healthy at any minute after the onset, the first breach minutes included. */
  healthyAnyMinuteAfterOnset: number;
  /** Runs whose verdict on the signal was a breach before the onset (false breaches). */
  breachBeforeOnset: number;
  /** Minutes to the alert of every detected run, sorted. */
  delays: number[];
}

/** Runs of a row detected within `minutes`. */
function within(row: DetectionRow, minutes: number): number {
  return row.delays.filter((d) => d <= minutes).length;
}

export interface FalseBreachRow {
  share: number;
  days: number;
  watches: number;
  /** Breach episodes (a signal turning to breach, as the watch alerts) in healthy traffic. */
  falseBreaches: number;
  perDay: number;
  /** Median minutes into a watch of healthy traffic until each signal's verdict is healthy (null: not within the watch). */
  healthyAfter: { errorRate: number | null; p99: number | null };
  /** Share of watches in which each signal reached healthy within its 60 minutes. */
  healthyWithinWatch: { errorRate: number; p99: number };
}

export interface Goal {
  goal: string;
  /** Met by every run. */
  met: boolean;
  /** Met by the median run (detection goals), when not by every run. */
  typicalMet: boolean;
  detail: string;
}

export interface DetectionResults {
  settings: JudgeSettings;
  model: Record<string, unknown>;
  rows: DetectionRow[];
  falseBreaches: FalseBreachRow[];
  goals: Goal[];
  seconds: number;
}

function detectionRow(breach: Breach, share: number, runs: number, random: Random, settings: JudgeSettings): DetectionRow {
  const delays: number[] = [];
  let healthyAfterOnset = 0;
  let healthyAnyMinuteAfterOnset = 0;
  let breachBeforeOnset = 0;
  for (let run = 0; run < runs; run++) {
    const watch = newWatch(share, random);
    let sawHealthy = false;
    let sawHealthyEarly = false;
    for (let minute = 0; minute < ONSET_MINUTE + HORIZON_MINUTES; minute++) {
      const broken = minute >= ONSET_MINUTE;
      const truth: SideTruth = {
        error5xx: broken && breach.points !== undefined ? HEALTHY_SOURCE.error5xx + breach.points / 100 : HEALTHY_TARGET.error5xx,
        p99: broken && breach.factor !== undefined ? HEALTHY_SOURCE.p99 * breach.factor : HEALTHY_TARGET.p99,
      };
      addMinute(watch, share, random, truth);
      const verdicts = judge(watch, settings);
      const v = breach.signal === 'error-rate' ? verdicts.errorRate : verdicts.p99;
      if (!broken) {
        if (v === 'breach') {
          breachBeforeOnset++;
          break;
        }
        continue;
      }
      if (v === 'healthy' && minute >= 2 * ONSET_MINUTE) sawHealthy = true;
      if (v === 'healthy') sawHealthyEarly = true;
      if (v === 'breach') {
        delays.push(minute - ONSET_MINUTE + 1);
        break;
      }
    }
    if (sawHealthy) healthyAfterOnset++;
    if (sawHealthyEarly) healthyAnyMinuteAfterOnset++;
  }
  return {
    breach: breach.name,
    share,
    runs,
    detected: delays.length,
    medianMinutes: delays.length ? median(delays) : null,
    worstMinutes: delays.length ? Math.max(...delays) : null,
    healthyAfterOnset,
    healthyAnyMinuteAfterOnset,
    breachBeforeOnset,
    delays: delays.sort((a, b) => a - b),
  };
}

function falseBreachRow(share: number, days: number, random: Random, settings: JudgeSettings): FalseBreachRow {
  const watches = Math.round((days * 24 * 60) / WATCH_MINUTES);
  let falseBreaches = 0;
  const healthyAt = { errorRate: [] as number[], p99: [] as number[] };
  for (let w = 0; w < watches; w++) {
    const watch = newWatch(share, random);
    const previous = { errorRate: 'inconclusive' as Verdict, p99: 'inconclusive' as Verdict };
    const firstHealthy: { errorRate?: number; p99?: number } = {};
    for (let minute = 0; minute < WATCH_MINUTES; minute++) {
      addMinute(watch, share, random, HEALTHY_TARGET);
      const verdicts = judge(watch, settings);
      for (const signal of ['errorRate', 'p99'] as const) {
        if (verdicts[signal] === 'breach' && previous[signal] !== 'breach') falseBreaches++;
        if (verdicts[signal] === 'healthy' && firstHealthy[signal] === undefined) firstHealthy[signal] = minute + 1;
        previous[signal] = verdicts[signal];
      }
    }
    if (firstHealthy.errorRate !== undefined) healthyAt.errorRate.push(firstHealthy.errorRate);
    if (firstHealthy.p99 !== undefined) healthyAt.p99.push(firstHealthy.p99);
  }
  // The median over all watches, those never healthy counting as later than any: null when half never were.
  const medianOrNull = (values: number[]) => (values.length * 2 > watches ? percentile([...values, ...Array(watches - values.length).fill(Infinity)], 50) : null);
  return {
    share,
    days,
    watches,
    falseBreaches,
    perDay: falseBreaches / days,
    healthyAfter: { errorRate: medianOrNull(healthyAt.errorRate), p99: medianOrNull(healthyAt.p99) },
    healthyWithinWatch: { errorRate: healthyAt.errorRate.length / watches, p99: healthyAt.p99.length / watches },
  };
}

function goals(rows: DetectionRow[], falseRows: FalseBreachRow[]): Goal[] {
  const row = (breach: string, share: number) => rows.find((r) => r.breach === breach && r.share === share)!;
  const detectionGoal = (goal: string, breach: string, shares: readonly number[], minutes: number): Goal => {
    const rs = shares.map((s) => row(breach, s));
    return {
      goal,
      met: rs.every((r) => r.detected === r.runs && r.worstMinutes !== null && r.worstMinutes <= minutes),
      typicalMet: rs.every((r) => r.medianMinutes !== null && r.medianMinutes <= minutes && r.detected * 2 > r.runs),
      detail: rs
        .map((r) => `${r.share} %: median ${r.medianMinutes ?? '-'}, ${Math.round((100 * within(r, minutes)) / r.runs)} % of runs within ${minutes}, worst ${r.worstMinutes ?? '-'} min`)
        .join('; '),
    };
  };
  const onePct = row('5xx +1 point', 1);
  const falseMet = falseRows.every((r) => r.falseBreaches === 0) && rows.every((r) => r.breachBeforeOnset === 0);
  return [
    detectionGoal('+20 points found within 3 minutes at every share', '5xx +20 points', SHARES, 3),
    detectionGoal('+5 points found within 5 minutes at 5 % and more', '5xx +5 points', [5, 25, 100], 5),
    {
      goal: 'no false breach in 7 simulated days at any share',
      met: falseMet,
      typicalMet: falseMet,
      detail:
        falseRows.map((r) => `${r.share} %: ${r.falseBreaches} in ${r.days} days`).join('; ') +
        `; before the onset in the detection runs: ${rows.reduce((s, r) => s + r.breachBeforeOnset, 0)}`,
    },
    {
      goal: '+1 point at 1 %: inconclusive, never healthy',
      met: onePct.healthyAfterOnset === 0,
      typicalMet: onePct.healthyAfterOnset * 2 < onePct.runs,
      detail:
        `${onePct.healthyAfterOnset} of ${onePct.runs} runs healthy once the newer half of the window was all after the onset ` +
        `(${onePct.healthyAnyMinuteAfterOnset} at any minute after it), ${onePct.detected} called a breach (the rise sits on the margin)`,
    },
  ];
}

/**
 * Runs `work` with every random draw seeded (jstat's samplers, and Math.random, which jstat's Poisson sampler
 * for means of 10 and more calls itself past setRandom), so a table repeats run after run.
 */
export function seeded<T>(seed: number, work: (random: Random) => T): T {
  const random = new Random(seed);
  const next = () => random.next();
  const mathRandom = Math.random;
  jStat.setRandom(next);
  Math.random = next;
  try {
    return work(random);
  } finally {
    Math.random = mathRandom;
    jStat.setRandom(mathRandom);
  }
}

export function measureDetection(options: { runs?: number; days?: number; seed?: number } = {}): DetectionResults {
  const started = Date.now();
  const settings = { ...DEFAULT_JUDGE_SETTINGS };
  const runs = options.runs ?? 200;
  const days = options.days ?? 7;
  const rows: DetectionRow[] = [];
  const falseBreaches = seeded(options.seed ?? 15, (random) => {
    for (const breach of BREACHES) for (const share of SHARES) rows.push(detectionRow(breach, share, runs, random, settings));
    return SHARES.map((share) => falseBreachRow(share, days, random, settings));
  });
  return {
    settings,
    model: {
      requestsPerMinute: REQUESTS_PER_MINUTE,
      source: HEALTHY_SOURCE,
      target: HEALTHY_TARGET,
      latencySigma: LATENCY_SIGMA,
      baselineMinutes: BASELINE_MINUTES,
      onsetMinute: ONSET_MINUTE,
      horizonMinutes: HORIZON_MINUTES,
      watchMinutes: WATCH_MINUTES,
      runsPerCell: runs,
      healthyDays: days,
    },
    rows,
    falseBreaches,
    goals: goals(rows, falseBreaches),
    seconds: (Date.now() - started) / 1000,
  };
}

const pad = (s: string, n: number) => s.padEnd(n);

/** The table as text: one line per breach and share, then false breaches, then the goals. */
export function formatDetection(r: DetectionResults): string {
  const lines: string[] = [];
  lines.push(
    `Detection (judge alone, ${r.model.runsPerCell} simulated watches a cell; breach from minute ${r.model.onsetMinute} of the watch, ` +
      `looked for ${r.model.horizonMinutes} minutes; margin ${r.settings.errorRatePoints} point, p99 tolerance ${r.settings.p99Factor}x, ` +
      `breach at ${r.settings.breachConfidence} %, healthy at ${r.settings.healthyConfidence} %)`,
  );
  lines.push('minutes = minutes of breach data until the alert (the onset minute is the first); add SWITCHOVER_SETTLE_SECONDS for wall time');
  lines.push(`${pad('breach', 16)}${SHARES.map((s) => pad(`${s} %`, 32)).join('')}`);
  for (const b of BREACHES) {
    const cells = SHARES.map((s) => {
      const row = r.rows.find((x) => x.breach === b.name && x.share === s)!;
      const found = row.detected === row.runs ? '' : ` (${row.detected}/${row.runs})`;
      const healthy = row.healthyAfterOnset ? `, ${row.healthyAfterOnset} healthy` : '';
      const text = row.detected === 0 ? `not found${healthy}` : `${row.medianMinutes} / ${row.worstMinutes} min${found}${healthy}`;
      return pad(text, 32);
    });
    lines.push(`${pad(b.name, 16)}${cells.join('')}`);
  }
  lines.push(
    '(median / worst minutes; (found/runs) when not every run found it within the horizon; "k healthy": runs still called ' +
      `healthy once the newer half of the window was all breach, from minute ${2 * ONSET_MINUTE})`,
  );
  lines.push('');
  lines.push(`Healthy traffic, ${r.model.healthyDays} simulated days a share (watches of ${r.model.watchMinutes} minutes):`);
  lines.push(`${pad('share', 8)}${pad('false breaches', 18)}${pad('per day', 10)}${pad('5xx healthy after', 28)}p99 healthy after`);
  for (const f of r.falseBreaches) {
    const healthy = (m: number | null, within: number) => `${m === null ? 'not within the watch' : `${m} min`} (${Math.round(within * 100)} % of watches)`;
    lines.push(
      `${pad(`${f.share} %`, 8)}${pad(String(f.falseBreaches), 18)}${pad(f.perDay.toFixed(2), 10)}` +
        `${pad(healthy(f.healthyAfter.errorRate, f.healthyWithinWatch.errorRate), 28)}${healthy(f.healthyAfter.p99, f.healthyWithinWatch.p99)}`,
    );
  }
  lines.push('');
  for (const g of r.goals) {
    const status = g.met ? 'met' : g.typicalMet ? 'met by the median run, not by every run' : 'MISSED';
    lines.push(`${g.goal}: ${status}. ${g.detail}`);
  }
  lines.push(`(${r.seconds.toFixed(1)} s)`);
  return lines.join('\n');
}
