// A gradual switchover plan: a request of kind plan (steps of percent to the target proxy, a bake time) that,
// once approved and its first step applied, is advanced step by step by the judge and fallen back on a breach.
// Here: the rules of a plan's shape, and the plan's state as a pure fold of the journal.
import type { JournalRecord, PlanEndReason, PlanPauseReason } from '../journal';
import { MINUTE_MS, type Weights } from '../types';
import { RequestBook } from '../requests/request-book';

export const MAX_PLAN_STEPS = 10;
export const MIN_BAKE_MINUTES = 2;
export const MAX_BAKE_MINUTES = 120;
export const DEFAULT_BAKE_MINUTES = 10;
/** Bake periods a step is held for when the judge cannot tell, before the plan pauses. */
export const MAX_HOLDS = 3;

export interface PlanSpec {
  /** Percent of new traffic to the target proxy, strictly increasing, 1-100. */
  steps: number[];
  bakeMinutes: number;
}

/** What is wrong with the plan's shape, in words, or undefined when it is a valid plan. */
export function planProblem(spec: PlanSpec): string | undefined {
  const { steps, bakeMinutes } = spec;
  if (steps.length === 0) return 'a plan needs at least one step';
  if (steps.length > MAX_PLAN_STEPS) return `a plan has at most ${MAX_PLAN_STEPS} steps (this one has ${steps.length})`;
  const bad = steps.find((p) => !Number.isInteger(p) || p < 1 || p > 100);
  if (bad !== undefined) return `every step is a whole percent from 1 to 100 (${bad} is not)`;
  for (let i = 1; i < steps.length; i++) {
    if (steps[i] === steps[i - 1]) return `${steps[i]} appears twice: every step must be larger than the one before`;
    if (steps[i]! < steps[i - 1]!) return `the steps must increase (${steps[i]} comes after ${steps[i - 1]})`;
  }
  if (!Number.isInteger(bakeMinutes) || bakeMinutes < MIN_BAKE_MINUTES || bakeMinutes > MAX_BAKE_MINUTES) {
    return `the bake time is a whole number of minutes from ${MIN_BAKE_MINUTES} to ${MAX_BAKE_MINUTES} (${bakeMinutes} is not)`;
  }
  return undefined;
}

/** E.g. "1 → 5 → 25 → 100 %, every 10 min". */
export function describeSpec(spec: PlanSpec): string {
  return `${spec.steps.join(' → ')}%, every ${spec.bakeMinutes} min`;
}

/**
 * - running: baking its current step; judged at `bakeEndsAt`
 * - advancing: the next step is being written (plan.step-started without its outcome)
 * - paused: held at its step until an operator resumes or cancels it (a breach still falls back)
 * - falling-back: the automatic fallback is being written
 * - ended: completed, cancelled, fallen back, its fallback failed, or superseded by an approved fallback
 */
export type PlanStatus = 'running' | 'advancing' | 'paused' | 'falling-back' | 'ended';

export interface Plan {
  /** The plan request's ID. */
  id: string;
  stage: string;
  channel: string;
  /** The plan message (the request message, updated in place). */
  messageTs?: string;
  requester: string;
  approver?: string;
  steps: number[];
  bakeMinutes: number;
  status: PlanStatus;
  /** The step in place (1-based). */
  step: number;
  /** Weights AWS reported after the step in place. */
  weights: Weights;
  /** When the step in place was applied (epoch ms): its window starts there. */
  stepAppliedAt: number;
  /** When the step is judged next (epoch ms). */
  bakeEndsAt: number;
  /** Bake periods the step has been held for. */
  holds: number;
  /** While advancing: the step being written. */
  pending?: { step: number; from: Weights; to: Weights; at: number };
  pause?: { reason: PlanPauseReason; by?: string; detail?: string; at: number; unconfirmed?: boolean };
  ended?: { reason: PlanEndReason; at: number; by?: string; detail?: string; before?: Weights; after?: Weights };
  /** The newest judgement of the step, in words (holds, advances). */
  lastVerdict?: string;
}

export function isActive(plan: Plan): boolean {
  return plan.status !== 'ended';
}

export function bakeMs(plan: Pick<Plan, 'bakeMinutes'>): number {
  return plan.bakeMinutes * MINUTE_MS;
}

/** The percent of a step (1-based). */
export function stepPercent(plan: Pick<Plan, 'steps'>, step: number): number {
  return plan.steps[step - 1]!;
}

export function isLastStep(plan: Pick<Plan, 'steps' | 'step'>): boolean {
  return plan.step >= plan.steps.length;
}

/** How long the step in place must be watched: through its bake and every hold it may get. */
export function stepWatchUntil(plan: Pick<Plan, 'bakeEndsAt' | 'bakeMinutes'>): number {
  return plan.bakeEndsAt + MAX_HOLDS * bakeMs(plan) + 2 * MINUTE_MS;
}

/** When the plan would end if every remaining bake is healthy (epoch ms). */
export function expectedEnd(plan: Pick<Plan, 'steps' | 'step' | 'bakeEndsAt' | 'bakeMinutes'>): number {
  return plan.bakeEndsAt + (plan.steps.length - plan.step) * plan.bakeMinutes * MINUTE_MS;
}

/**
 * Every plan of every stage, folded from the journal: a plan starts when its request (kind plan, folded by a
 * request book of its own) is applied (its first step), then follows its own records. Records that make no sense
 * for the plan's state change nothing; an ended plan is never reopened.
 */
export class PlanBook {
  private readonly requests = new RequestBook();
  private readonly plans = new Map<string, Plan>();

  static fold(records: readonly JournalRecord[]): PlanBook {
    const book = new PlanBook();
    for (const record of records) book.apply(record);
    return book;
  }

  apply(record: JournalRecord): void {
    this.requests.apply(record);
    if (!('requestId' in record)) return;
    const at = Date.parse(record.at);
    const plan = this.plans.get(record.requestId);
    if (record.type === 'request.applied') {
      const request = this.requests.get(record.requestId);
      if (plan || request?.kind !== 'plan' || !request.plan) return;
      this.plans.set(record.requestId, {
        id: request.id,
        stage: request.stage,
        channel: request.channel,
        ...(request.messageTs ? { messageTs: request.messageTs } : {}),
        requester: request.requester,
        ...(request.approver ? { approver: request.approver } : {}),
        steps: [...request.plan.steps],
        bakeMinutes: request.plan.bakeMinutes,
        status: 'running',
        step: 1,
        weights: { ...record.after },
        stepAppliedAt: at,
        bakeEndsAt: at + request.plan.bakeMinutes * MINUTE_MS,
        holds: 0,
      });
      return;
    }
    if (record.type === 'request.posted' && plan) {
      plan.channel = record.channel;
      plan.messageTs = record.messageTs;
      return;
    }
    if (!plan || plan.status === 'ended') return;
    switch (record.type) {
      case 'plan.step-started':
        if (plan.status !== 'running' || record.step !== plan.step + 1) return;
        plan.status = 'advancing';
        plan.pending = { step: record.step, from: { ...record.from }, to: { ...record.to }, at };
        return;
      case 'plan.step-applied':
        if (record.step !== plan.step + 1) return;
        plan.status = 'running';
        plan.step = record.step;
        plan.weights = { ...record.after };
        plan.stepAppliedAt = at;
        plan.bakeEndsAt = at + bakeMs(plan);
        plan.holds = 0;
        delete plan.pending;
        delete plan.pause;
        return;
      case 'plan.step-failed':
        if (plan.status !== 'advancing') return;
        plan.status = 'paused';
        // The pending step is kept: a resume reads the listener to tell whether it is in place after all.
        plan.pause = { reason: 'step-failed', detail: record.error, at, ...(record.unconfirmed ? { unconfirmed: true } : {}) };
        return;
      case 'plan.held':
        if (plan.status !== 'running' || record.step !== plan.step) return;
        plan.holds = record.holds;
        plan.bakeEndsAt = at + bakeMs(plan);
        plan.lastVerdict = record.verdict;
        return;
      case 'plan.paused':
        if (plan.status !== 'running') return;
        plan.status = 'paused';
        plan.pause = { reason: record.reason, at, ...(record.by ? { by: record.by } : {}), ...(record.detail ? { detail: record.detail } : {}) };
        return;
      case 'plan.resumed':
        if (plan.status !== 'paused') return;
        plan.status = 'running';
        plan.holds = 0;
        plan.bakeEndsAt = at + bakeMs(plan);
        delete plan.pause;
        delete plan.pending;
        return;
      case 'plan.fallback-started':
        plan.status = 'falling-back';
        plan.lastVerdict = record.detail;
        return;
      case 'plan.ended':
        plan.status = 'ended';
        delete plan.pending;
        plan.ended = {
          reason: record.reason,
          at,
          ...(record.by ? { by: record.by } : {}),
          ...(record.detail ? { detail: record.detail } : {}),
          ...(record.before ? { before: { ...record.before } } : {}),
          ...(record.after ? { after: { ...record.after } } : {}),
        };
        return;
      default:
        return;
    }
  }

  get(id: string): Plan | undefined {
    const plan = this.plans.get(id);
    return plan && structuredClone(plan);
  }

  /** The stage's plan that has not ended (at most one). */
  active(stage: string): Plan | undefined {
    for (const plan of this.plans.values()) if (plan.stage === stage && isActive(plan)) return structuredClone(plan);
    return undefined;
  }

  /** The stage's newest plan, ended or not. */
  latest(stage: string): Plan | undefined {
    let last: Plan | undefined;
    for (const plan of this.plans.values()) if (plan.stage === stage) last = plan;
    return last && structuredClone(last);
  }

  /** Every plan that has not ended. */
  allActive(): Plan[] {
    return [...this.plans.values()].filter(isActive).map((p) => structuredClone(p));
  }
}
