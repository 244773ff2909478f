// What a running plan does next, from its state, the watch's newest judgement of its step and the clock. Pure:
// the runner (runner.ts) journals the decision and acts on it.
//
// The rule for advancing (README "Gradual switchover plan"): a step advances when every guardrail is healthy,
// with one exception said in words every time: p99 that is inconclusive only for lack of volume (most minutes
// carry fewer than 100 requests on the target, whose p99 can show a breach but never health) does not hold the
// step, because more minutes at that share would never settle it. Latency is then guarded against breaches
// only (a p99 breach falls back like any other); every count signal must still be healthy. Anything else that
// is not healthy (inconclusive, no data, unknown target health) holds the step, then pauses the plan.
import type { GuardrailBreach, GuardrailEvaluation, SignalVerdict } from '../judge';
import { sameWeights, weightsForPercent } from '../weights';
import type { Weights } from '../types';
import { isLastStep, MAX_HOLDS, type Plan } from './plan';

/** What the watch saw in one tick of the plan's step. */
export interface PlanObservation {
  /** When the tick ran (epoch ms). */
  at: number;
  /** The weights the watch judged (the plan's step in place, unless the tick is stale). */
  watchedWeights: Weights;
  evaluation: GuardrailEvaluation;
  /** Why the judged group's health could not be read, if it could not. */
  healthError?: string;
  /** The listener as read, in words, when it no longer holds what the plan applied (changed outside the bot). */
  changedOutside?: string;
  /**
   * The watch found the switchover complete (the source proxy quiet while the target carries traffic) and ends
   * with this minute: at the plan's last step there is nothing left to wait for.
   */
  switchoverComplete?: boolean;
}

export type PlanAction =
  | { action: 'none' }
  | { action: 'fallback'; breach: GuardrailBreach }
  | { action: 'pause'; reason: 'outside-change' | 'inconclusive'; detail: string }
  | { action: 'hold'; holds: number; verdict: string }
  | { action: 'advance'; step: number; to: Weights; verdict: string }
  | { action: 'complete'; verdict: string };

export interface StepGate {
  pass: boolean;
  /** The judgement in words: what was healthy, and what was not (or was not judged, and why). */
  text: string;
}

const NAMES: Record<SignalVerdict['signal'], string> = {
  'error-rate': '5xx',
  'elb-5xx': 'load-balancer 5xx',
  'connection-errors': 'connection errors',
  'p99-latency': 'p99',
};

/** Whether the step's window lets the plan go on, and the words that say why. */
export function stepGate(evaluation: GuardrailEvaluation, healthError?: string): StepGate {
  if (evaluation.breaches.length > 0) return { pass: false, text: `breach: ${evaluation.breaches.map((b) => b.detail).join('; ')}` };
  if (evaluation.state === 'no-data') return { pass: false, text: 'no data: CloudWatch returned no figures for the step (no data is never a pass)' };
  const healthy = evaluation.signals.filter((s) => s.verdict === 'healthy');
  const lowVolume = evaluation.signals.filter((s) => s.kind === 'latency' && s.verdict === 'inconclusive' && s.lowVolume);
  const others = evaluation.signals.filter((s) => s.verdict !== 'healthy' && !lowVolume.includes(s));
  const confidence = healthy.find((s) => s.confidence !== null)?.confidence;
  const healthyText = healthy.length > 0 ? `${healthy.map((s) => NAMES[s.signal]).join(', ')} healthy${confidence ? ` at ${confidence}% confidence` : ''}` : '';
  if (others.length > 0 || healthError) {
    const why = [...others.map((s) => `${NAMES[s.signal]} ${s.verdict === 'no-data' ? 'no data' : 'inconclusive'} (${s.text})`), ...(healthError ? [`target health unknown (${healthError})`] : [])];
    return { pass: false, text: `${why.join('; ')}${healthyText ? `; ${healthyText}` : ''}. Inconclusive is never a pass` };
  }
  if (lowVolume.length > 0) {
    return {
      pass: true,
      text:
        `${healthyText}; p99 not shown healthy, only watched for a breach: too few minutes carried the 100 target requests a p99 ` +
        `needs to vouch for health (${lowVolume[0]!.text})`,
    };
  }
  return { pass: true, text: healthyText || 'every signal healthy' };
}

/** The plan's next action for this tick. */
export function decide(plan: Plan, seen: PlanObservation): PlanAction {
  if (plan.status === 'ended' || plan.status === 'advancing' || plan.status === 'falling-back') return { action: 'none' };
  // A breach falls back at any moment, paused or not: approving the plan approved the automatic fallback.
  const breach = seen.evaluation.breaches[0];
  if (breach) return { action: 'fallback', breach };
  if (plan.status === 'paused') return { action: 'none' };
  if (seen.changedOutside !== undefined) {
    return { action: 'pause', reason: 'outside-change', detail: `the switchover listener was changed outside the bot: ${seen.changedOutside}` };
  }
  // A tick of the step before (the watch restarts with each step) judges other minutes: only its breaches count.
  if (!sameWeights(seen.watchedWeights, plan.weights)) return { action: 'none' };
  if (seen.switchoverComplete && isLastStep(plan)) {
    return { action: 'complete', verdict: `the source proxy is quiet: the switchover is complete (the judge so far: ${stepGate(seen.evaluation, seen.healthError).text})` };
  }
  if (seen.at < plan.bakeEndsAt) return { action: 'none' };
  const gate = stepGate(seen.evaluation, seen.healthError);
  if (gate.pass) {
    if (isLastStep(plan)) return { action: 'complete', verdict: gate.text };
    const step = plan.step + 1;
    return { action: 'advance', step, to: weightsForPercent(plan.steps[step - 1]!), verdict: gate.text };
  }
  if (plan.holds < MAX_HOLDS) return { action: 'hold', holds: plan.holds + 1, verdict: gate.text };
  return {
    action: 'pause',
    reason: 'inconclusive',
    detail: `still not shown healthy after ${MAX_HOLDS} more bake periods: ${gate.text}`,
  };
}
