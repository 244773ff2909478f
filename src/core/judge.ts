// Judging a shift, minute by minute, and the guardrails that turn judged minutes into alerts.
// DESIGN.md, "Judging a shift": while both sides carry traffic the target is judged against the source in
// the same minutes (same clients, same load); once the source carries none, against the prep baseline, or
// without one the source's last minutes before the change. Too few requests is its own verdict, never a pass.
// Pure: figures in, judgements out; the watcher keeps the history (rebuilt from CloudWatch every tick).
import type { Config } from '../config';
import { hhmm, msText } from './format';
import type { HealthSummary } from './health';
import { describeHealth } from './health';
import type { MinuteFigures } from './traffic';
import type { Side } from './types';
import { MINUTE_MS } from './types';

/** The watch and guardrail thresholds (SWITCHOVER_WATCH_MINUTES, SWITCHOVER_GUARD_*, ...). */
export type WatchSettings = Config['watch'];

/** What a minute is compared with; a prep Baseline fits, so do the source's minutes before the change. */
export interface ReferenceFigures {
  /** 0..1; null without traffic. */
  errorRate5xx: number | null;
  /** Seconds; null without data. */
  latencyP99: number | null;
}

export type ReferenceKind = 'source-same-minute' | 'baseline' | 'before-change' | 'none';

export interface Reference extends ReferenceFigures {
  kind: ReferenceKind;
  /** In words, for messages: "the source proxy in the same minute". */
  description: string;
}

export type MinuteVerdict = 'judged' | 'not-enough-traffic' | 'no-data';

export interface ErrorRateCheck {
  /** Percent, 0-100. */
  valuePercent: number;
  referencePercent: number;
  /** valuePercent - referencePercent. */
  points: number;
  exceeded: boolean;
}

export interface P99Check {
  /** Seconds. */
  value: number;
  reference: number;
  /** value / reference. */
  factor: number;
  exceeded: boolean;
}

export interface MinuteJudgement {
  t: number;
  /** The side being judged: the target after a shift, the source after a fallback. */
  subject: Side;
  verdict: MinuteVerdict;
  /** Why the minute was not judged, in words. */
  reason?: string;
  source: MinuteFigures;
  target: MinuteFigures;
  reference: Reference;
  /** null when the minute was not judged or a figure is unknown. */
  errorRate: ErrorRateCheck | null;
  p99: P99Check | null;
}

export interface JudgeOptions {
  /** 'target' (default) after a shift; 'source' after a fallback, judged against the baseline only. */
  subject?: Side;
}

const SIDE_WORDS: Record<Side, string> = { source: 'source proxy', target: 'target proxy' };

function hasFigures(r: ReferenceFigures | undefined): r is ReferenceFigures {
  return r !== undefined && (r.errorRate5xx !== null || r.latencyP99 !== null);
}

function chooseReference(
  subject: Side,
  source: MinuteFigures,
  baseline: ReferenceFigures | undefined,
  beforeChange: ReferenceFigures | undefined,
  settings: WatchSettings,
): Reference {
  if (subject === 'target' && source.requests !== null && source.requests >= settings.minRequestsPerMinute) {
    return {
      kind: 'source-same-minute',
      description: 'the source proxy in the same minute',
      errorRate5xx: source.errorRate5xx,
      latencyP99: source.latencyP99,
    };
  }
  if (hasFigures(baseline)) {
    return { kind: 'baseline', description: 'the prep baseline', errorRate5xx: baseline.errorRate5xx, latencyP99: baseline.latencyP99 };
  }
  if (hasFigures(beforeChange)) {
    return {
      kind: 'before-change',
      description: "the source proxy's last minutes before the change",
      errorRate5xx: beforeChange.errorRate5xx,
      latencyP99: beforeChange.latencyP99,
    };
  }
  // Nothing to compare with: 5xx is held against 0% (the strictest reading), p99 cannot be judged.
  return { kind: 'none', description: 'no reference (no baseline: 5xx judged against 0%)', errorRate5xx: 0, latencyP99: null };
}

/**
 * Judges one complete minute of the subject side (the target proxy after a shift) against the fairest
 * reference available. `baseline` is the stage's prep baseline; `beforeChange` the source's figures over
 * the minutes before the change (the caller computes them), used when there is no baseline.
 */
export function judgeMinute(
  source: MinuteFigures,
  target: MinuteFigures,
  baseline: ReferenceFigures | undefined,
  beforeChange: ReferenceFigures | undefined,
  settings: WatchSettings,
  options: JudgeOptions = {},
): MinuteJudgement {
  const subject = options.subject ?? 'target';
  const figures = subject === 'target' ? target : source;
  const reference = chooseReference(subject, source, baseline, beforeChange, settings);
  const base = { t: target.t, subject, source, target, reference, errorRate: null, p99: null };
  if (figures.requests === null) {
    return { ...base, verdict: 'no-data', reason: `${SIDE_WORDS[subject]} requests unavailable from CloudWatch` };
  }
  if (figures.requests < settings.minRequestsPerMinute) {
    return {
      ...base,
      verdict: 'not-enough-traffic',
      reason: `${figures.requests} ${SIDE_WORDS[subject]} requests (fewer than ${settings.minRequestsPerMinute} per minute to judge)`,
    };
  }
  let errorRate: ErrorRateCheck | null = null;
  if (figures.errorRate5xx !== null && reference.errorRate5xx !== null) {
    const valuePercent = figures.errorRate5xx * 100;
    const referencePercent = reference.errorRate5xx * 100;
    const points = valuePercent - referencePercent;
    errorRate = { valuePercent, referencePercent, points, exceeded: points > settings.errorRatePoints };
  }
  let p99: P99Check | null = null;
  if (figures.latencyP99 !== null && reference.latencyP99 !== null && reference.latencyP99 > 0) {
    const factor = figures.latencyP99 / reference.latencyP99;
    p99 = { value: figures.latencyP99, reference: reference.latencyP99, factor, exceeded: factor > settings.p99Factor };
  }
  return { ...base, verdict: 'judged', errorRate, p99 };
}

export type GuardrailName = 'error-rate' | 'p99-latency' | 'unhealthy-targets';

export interface GuardrailBreach {
  guardrail: GuardrailName;
  /** The numbers, in words: what was seen, against what, for how long. */
  detail: string;
  /** Start of the first minute of the breaching streak (metric guardrails). */
  since?: number;
  /** Consecutive breaching minutes (metric guardrails). */
  minutes?: number;
}

export type GuardrailState = 'ok' | 'breach' | 'not-enough-traffic' | 'no-data';

export interface GuardrailEvaluation {
  state: GuardrailState;
  breaches: GuardrailBreach[];
  /** Consecutive newest minutes over each limit (0 when the newest minute is fine or unjudged). */
  streaks: { errorRate: number; p99: number };
  /** The newest minute's judgement, if any. */
  latest?: MinuteJudgement;
  /** Things worth saying that are not breaches: initial/draining targets, unknown health. */
  notes: string[];
}

/** Health of the group that carries the judged traffic, or why it could not be read. */
export type SubjectHealth = { side: Side; summary: HealthSummary } | { side: Side; error: string };

function streak(newestFirst: MinuteJudgement[], over: (j: MinuteJudgement) => boolean): MinuteJudgement[] {
  const run: MinuteJudgement[] = [];
  for (const j of newestFirst) {
    const previous = run[run.length - 1];
    // Consecutive means adjacent minutes: a gap (a tick missed while the bot was down) breaks the streak.
    if (previous && previous.t - j.t !== MINUTE_MS) break;
    if (j.verdict !== 'judged' || !over(j)) break;
    run.push(j);
  }
  return run;
}

function pct(v: number): string {
  return `${Math.round(v * 100) / 100}%`;
}

function span(run: MinuteJudgement[]): string {
  const first = run[run.length - 1]!.t;
  const last = run[0]!.t;
  return first === last ? `${hhmm(first)} UTC` : `${hhmm(first)}-${hhmm(last + MINUTE_MS)} UTC`;
}

/**
 * Applies the guardrails to the judged minutes so far (any order) and the subject group's health.
 * Stateless: the same history always gives the same answer, so it survives a restart of the bot.
 */
export function evaluateGuardrails(
  history: MinuteJudgement[],
  health: SubjectHealth | undefined,
  settings: WatchSettings,
): GuardrailEvaluation {
  const newestFirst = [...history].sort((a, b) => b.t - a.t);
  const latest = newestFirst[0];
  const breaches: GuardrailBreach[] = [];
  const notes: string[] = [];

  const errorRun = streak(newestFirst, (j) => j.errorRate?.exceeded === true);
  if (errorRun.length >= settings.errorRateMinutes) {
    const now = errorRun[0]!;
    const side = SIDE_WORDS[now.subject];
    const values = errorRun.map((j) => pct(j.errorRate!.valuePercent)).reverse().join(', ');
    breaches.push({
      guardrail: 'error-rate',
      detail:
        `${side} 5xx rate ${values} against ${pct(now.errorRate!.referencePercent)} for ${now.reference.description} ` +
        `(+${Math.round(now.errorRate!.points * 100) / 100} points, limit +${settings.errorRatePoints}) ` +
        `for ${errorRun.length} consecutive minutes, ${span(errorRun)}`,
      since: errorRun[errorRun.length - 1]!.t,
      minutes: errorRun.length,
    });
  }

  const p99Run = streak(newestFirst, (j) => j.p99?.exceeded === true);
  if (p99Run.length >= settings.p99Minutes) {
    const now = p99Run[0]!;
    const side = SIDE_WORDS[now.subject];
    const values = p99Run.map((j) => msText(j.p99!.value)).reverse().join(', ');
    breaches.push({
      guardrail: 'p99-latency',
      detail:
        `${side} p99 latency ${values} against ${msText(now.p99!.reference)} for ${now.reference.description} ` +
        `(${Math.round(now.p99!.factor * 10) / 10}x, limit ${settings.p99Factor}x) ` +
        `for ${p99Run.length} consecutive minutes, ${span(p99Run)}`,
      since: p99Run[p99Run.length - 1]!.t,
      minutes: p99Run.length,
    });
  }

  if (health && 'summary' in health) {
    const s = health.summary;
    const group = `${SIDE_WORDS[health.side]} target group`;
    const bad = s.unhealthy + s.unavailable;
    if (s.total === 0) {
      breaches.push({ guardrail: 'unhealthy-targets', detail: `${group} has no registered targets` });
    } else if (bad > 0) {
      const problems = s.problems.filter((p) => / (unhealthy|unavailable)( |$)/.test(p));
      breaches.push({
        guardrail: 'unhealthy-targets',
        detail: `${group}: ${bad} of ${s.total} targets not healthy (${describeHealth(s)})${problems.length ? `: ${problems.slice(0, 5).join('; ')}` : ''}`,
      });
    } else if (s.initial + s.draining > 0) {
      // Registering or draining targets (a deployment, a scale-down) are reported, not alarmed on.
      notes.push(`${group}: ${describeHealth(s)}`);
    }
  } else if (health && 'error' in health) {
    notes.push(`${SIDE_WORDS[health.side]} target group health unknown: ${health.error}`);
  }

  let state: GuardrailState;
  if (breaches.length > 0) state = 'breach';
  else if (!latest || latest.verdict === 'no-data') state = 'no-data';
  else if (latest.verdict === 'not-enough-traffic') state = 'not-enough-traffic';
  else state = 'ok';

  const streakOf = (run: MinuteJudgement[]) => run.length;
  return {
    state,
    breaches,
    streaks: { errorRate: streakOf(errorRun), p99: streakOf(p99Run) },
    latest,
    notes,
  };
}
