// A plan in words, for its message, its thread, status and refusals. Pure.
import { hhmm, mention } from '../format';
import type { PlanEndReason, PlanPauseReason } from '../journal';
import { describeWeights } from '../weights';
import { expectedEnd, isLastStep, MAX_HOLDS, stepPercent, type Plan } from './plan';

const PAUSE_WORDS: Record<PlanPauseReason, string> = {
  operator: 'paused by an operator',
  inconclusive: `the judge could not show the step healthy after ${MAX_HOLDS} more bake periods`,
  'outside-change': 'the weights were changed outside the bot',
  'step-failed': 'the next step could not be applied',
  'fallback-requested': 'a fallback was requested',
};

const END_WORDS: Record<PlanEndReason, string> = {
  completed: 'completed',
  cancelled: 'cancelled',
  'fell-back': 'fallen back automatically to the source proxy',
  'fallback-failed': 'its automatic fallback failed',
  superseded: 'ended by an approved fallback',
};

export function pauseWords(reason: PlanPauseReason): string {
  return PAUSE_WORDS[reason];
}

export function endWords(reason: PlanEndReason): string {
  return END_WORDS[reason];
}

/** E.g. "step 3 of 5 · 25 %". */
export function stepText(plan: Pick<Plan, 'step' | 'steps'>): string {
  return `step ${plan.step} of ${plan.steps.length} · ${stepPercent(plan, plan.step)}%`;
}

/**
 * Where the plan stands in one line, e.g. "step 3 of 5 · 25 % · next step at 12:40 UTC if healthy",
 * "paused at step 2 of 4 · 5 %: paused by an operator (<@U1>)".
 */
export function describePlanShort(plan: Plan): string {
  switch (plan.status) {
    case 'running': {
      const next = isLastStep(plan) ? `done at ${hhmm(plan.bakeEndsAt)} UTC if healthy` : `next step at ${hhmm(plan.bakeEndsAt)} UTC if healthy`;
      const held = plan.holds > 0 ? ` (held ${plan.holds} of ${MAX_HOLDS})` : '';
      return `${stepText(plan)} · ${next}${held}`;
    }
    case 'advancing':
      return `${stepText(plan)} · applying step ${plan.pending?.step ?? plan.step + 1} (${plan.pending ? describeWeights(plan.pending.to) : 'next'})`;
    case 'paused': {
      const why = plan.pause ? pauseWords(plan.pause.reason) : 'paused';
      const by = plan.pause?.by ? ` (${mention(plan.pause.by)})` : '';
      return `paused at ${stepText(plan)}: ${why}${by}`;
    }
    case 'falling-back':
      return `${stepText(plan)} · falling back to the source proxy`;
    case 'ended':
      return `${plan.ended ? endWords(plan.ended.reason) : 'ended'} at ${stepText(plan)}`;
  }
}

/** "expected to end at 13:40 UTC if every bake is healthy" (running plans only). */
export function expectedEndText(plan: Plan): string | undefined {
  if (plan.status !== 'running') return undefined;
  return `expected to end at ${hhmm(expectedEnd(plan))} UTC if every bake is healthy`;
}
