// The guardrails: the signals' verdicts and the judged group's health turned into one state, the breaches to
// alert on, and notes. Stateless: the same minutes always give the same answer, so it survives a restart.
import type { HealthSummary } from '../health';
import { describeHealth } from '../health';
import type { Side } from '../types';
import type { SignalName, SignalVerdict } from './verdict';

export type GuardrailName = SignalName | 'unhealthy-targets';

export interface GuardrailBreach {
  guardrail: GuardrailName;
  /** The numbers, in words: what was seen, against what, over which minutes, at what confidence. */
  detail: string;
  /** Start of the first minute of the window that shows it (metric guardrails). */
  since?: number;
  /** Minutes in that window (metric guardrails). */
  minutes?: number;
}

/**
 * - breach: a signal shows a breach or the judged group's targets are unhealthy;
 * - healthy: every signal is healthy (and no target unhealthy);
 * - inconclusive: some signal cannot tell yet (never a pass);
 * - no-data: no signal could be read.
 */
export type GuardrailState = 'breach' | 'healthy' | 'inconclusive' | 'no-data';

export interface GuardrailEvaluation {
  state: GuardrailState;
  /** One verdict per signal, in a fixed order (5xx first). */
  signals: SignalVerdict[];
  breaches: GuardrailBreach[];
  /** Things worth saying that are not breaches: initial/draining targets, unknown health. */
  notes: string[];
}

/** Health of the group that carries the judged traffic, or why it could not be read. */
export type SubjectHealth = { side: Side; summary: HealthSummary } | { side: Side; error: string };

const SIDE_WORDS: Record<Side, string> = { source: 'source proxy', target: 'target proxy' };

function healthBreach(health: SubjectHealth | undefined, notes: string[]): GuardrailBreach | undefined {
  if (!health) return undefined;
  if ('error' in health) {
    notes.push(`${SIDE_WORDS[health.side]} target group health unknown: ${health.error}`);
    return undefined;
  }
  const s = health.summary;
  const group = `${SIDE_WORDS[health.side]} target group`;
  const bad = s.unhealthy + s.unavailable;
  if (s.total === 0) return { guardrail: 'unhealthy-targets', detail: `${group} has no registered targets` };
  if (bad > 0) {
    const problems = s.problems.filter((p) => / (unhealthy|unavailable)( |$)/.test(p));
    return {
      guardrail: 'unhealthy-targets',
      detail: `${group}: ${bad} of ${s.total} targets not healthy (${describeHealth(s)})${problems.length ? `: ${problems.slice(0, 5).join('; ')}` : ''}`,
    };
  }
  // Registering or draining targets (a deployment, a scale-down) are reported, not alarmed on.
  if (s.initial + s.draining > 0) notes.push(`${group}: ${describeHealth(s)}`);
  return undefined;
}

/**
 * The guardrails a tick could actually read: every signal with data, and the group's health when it was read.
 * A breach episode ends only on one of these; a guardrail it could not read keeps its last state.
 */
export function guardrailsRead(evaluation: GuardrailEvaluation, health: SubjectHealth): Set<GuardrailName> {
  const read = new Set<GuardrailName>(evaluation.signals.filter((s) => s.verdict !== 'no-data').map((s) => s.signal));
  if ('summary' in health) read.add('unhealthy-targets');
  return read;
}

export function evaluateGuardrails(signals: SignalVerdict[], health: SubjectHealth | undefined): GuardrailEvaluation {
  const notes: string[] = [];
  const breaches: GuardrailBreach[] = signals
    .filter((s) => s.verdict === 'breach')
    .map((s) => ({ guardrail: s.signal, detail: s.text, since: s.window?.start, minutes: s.window?.minutes }));
  const unhealthy = healthBreach(health, notes);
  if (unhealthy) breaches.push(unhealthy);

  let state: GuardrailState;
  if (breaches.length > 0) state = 'breach';
  else if (signals.length === 0 || signals.every((s) => s.verdict === 'no-data')) state = 'no-data';
  // Health that could not be read is no pass either.
  else if (signals.every((s) => s.verdict === 'healthy') && !(health && 'error' in health)) state = 'healthy';
  else state = 'inconclusive';
  return { state, signals, breaches, notes };
}
