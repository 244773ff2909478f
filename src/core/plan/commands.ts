// What operators and requests do to a plan: pause, resume and cancel (`/switchover pause|resume|cancel`), the
// pause a fallback request brings, and the end an applied fallback request brings. Each runs under the stage's
// lock; a command that cannot be journaled is refused and changes nothing.
import { errorMessage, mention } from '../format';
import { holdsWeightedForward } from '../listener';
import { describeWeights } from '../weights';
import { readBack } from '../requests/apply';
import { closerProblem } from '../requests/eligibility';
import { refused } from '../requests/outcomes';
import type { Plan } from './plan';
import { PlanRunnerBase, type PlanFields, type PlanOutcome } from './runner-base';
import { describePlanShort, stepText } from './words';

export abstract class PlanCommands extends PlanRunnerBase {
  /** `/switchover pause <stage>`: holds the plan at its step at once (a breach still falls back). */
  pause(input: { stage: string; userId: string }): Promise<PlanOutcome> {
    return this.command(input.stage, async (plan) => {
      if (!plan) return refused(`${input.stage} has no running plan to pause.`);
      if (plan.status === 'paused') return refused(`The plan on ${input.stage} is already paused (${describePlanShort(plan)}). \`/switchover resume ${input.stage}\` continues it.`);
      if (plan.status !== 'running') return refused(`The plan on ${input.stage} is ${describePlanShort(plan)}; try again in a moment.`);
      return this.journaled(plan, { type: 'plan.paused', reason: 'operator', by: input.userId }, 'pause', 'the plan goes on', async (paused) =>
        `${mention(input.userId)} paused the plan at ${stepText(paused)}. It moves no traffic until \`/switchover resume ${input.stage}\`; a guardrail breach still falls back automatically.`,
      );
    });
  }

  /**
   * A fallback was requested on the stage: its running plan pauses at once, so it takes no step while the fallback
   * waits for approval (approved, the fallback ends the plan; rejected or expired, an operator resumes or cancels
   * it). A journal that fails leaves the plan running and is logged: the fallback request stands either way.
   */
  async fallbackRequested(input: { stage: string; userId: string; requestId: string }): Promise<void> {
    const acted = await this.lock.run(input.stage, async () => {
      const plan = this.ctx.plans.active(input.stage);
      if (!plan || plan.status !== 'running') return undefined;
      const detail = `fallback request ${input.requestId}`;
      return this.transition(plan, { type: 'plan.paused', reason: 'fallback-requested', by: input.userId, detail }, () => ({
        say:
          `:double_vertical_bar: The plan paused at ${stepText(plan)}: ${mention(input.userId)} requested a fallback (${detail}). ` +
          `It takes no step while the fallback waits; approved, the fallback ends the plan; rejected or expired, ` +
          `\`/switchover resume ${plan.stage}\` continues the plan and \`/switchover cancel ${plan.stage}\` ends it. A breach still falls back automatically.`,
        loud: true,
      }));
    });
    if (acted) await this.report(acted);
  }

  /**
   * `/switchover resume <stage>`: continues a paused plan within what was approved. The listener is read first: it
   * must hold the plan's step (or the step the plan was writing, which then counts as applied); the step is judged
   * again at the end of a fresh bake.
   */
  resume(input: { stage: string; userId: string }): Promise<PlanOutcome> {
    return this.command(input.stage, async (plan) => {
      if (!plan) return refused(`${input.stage} has no plan to resume.`);
      if (plan.status !== 'paused') return refused(`The plan on ${input.stage} is not paused (${describePlanShort(plan)}).`);
      const open = this.ctx.book.inProgress(input.stage);
      if (open?.kind === 'fallback') {
        return refused(
          `A fallback is requested on ${input.stage} (request ${open.id}): the plan cannot resume until it is rejected, cancelled or expires. The plan stays paused.`,
        );
      }
      const resources = await this.resolve(plan.stage);
      if ('error' in resources) return refused(`${resources.error}; the plan stays paused. Try again.`);
      const read = await readBack(this.ctx, resources);
      if ('error' in read) return refused(`The switchover listener could not be read (${read.error}); the plan stays paused. Try again.`);
      const pending = plan.pending;
      const atStep = holdsWeightedForward(read.listener, plan.weights);
      const atPending = pending !== undefined && holdsWeightedForward(read.listener, pending.to);
      if (!atStep && !atPending) {
        return refused(
          `The switchover listener now has ${describeWeights(read.listener.weights)}, not the plan's ${stepText(plan)} (${describeWeights(plan.weights)}): ` +
            `the plan cannot resume from there. \`/switchover cancel ${input.stage}\` ends it (the weights stay); request a new one if wanted.`,
        );
      }
      return this.journaled(plan, { type: 'plan.resumed', by: input.userId }, 'resume', 'the plan stays paused', async () => {
        let confirmed = '';
        if (atPending && !atStep) {
          await this.ctx.appendAfterActing(
            this.record(plan, {
              type: 'plan.step-applied',
              step: pending.step,
              before: pending.from,
              after: { ...read.listener.weights },
              note: 'AWS did not confirm the step when it was written; the listener read on resume shows it in place.',
            }),
          );
          confirmed = ` The listener shows step ${pending.step} in place, so it counts as applied.`;
        }
        const resumed = this.ctx.plans.get(plan.id)!;
        await this.watchStep(resumed);
        return `${mention(input.userId)} resumed the plan at ${stepText(resumed)}.${confirmed} The step is judged again at the end of a fresh bake: ${describePlanShort(resumed)}.`;
      });
    });
  }

  /** `/switchover cancel <stage>` with no open request: ends the running plan; the weights stay where they are. */
  cancel(input: { stage: string; userId: string }): Promise<PlanOutcome> {
    return this.command(input.stage, async (plan) => {
      if (!plan) return refused(`${input.stage} has no open request or running plan to cancel.`);
      const why = await closerProblem(this.ctx, plan.requester, input.userId, 'cancel');
      if (why !== undefined) return refused(`You cannot cancel the plan on ${input.stage}: ${why}. The plan goes on.`);
      return this.journaled(plan, { type: 'plan.ended', reason: 'cancelled', by: input.userId }, 'cancellation', 'the plan goes on', async (ended) =>
        `${mention(input.userId)} cancelled the plan at ${stepText(ended)}. The weights stay as they are (${describeWeights(ended.weights)}); the watch goes on.`,
      );
    });
  }

  /** An approved fallback request was applied on the stage: the plan it overrides ends (it must not step on). */
  async superseded(stage: string, requestId: string): Promise<void> {
    const acted = await this.lock.run(stage, async () => {
      const plan = this.ctx.plans.active(stage);
      if (!plan) return undefined;
      const detail = `fallback request ${requestId} was applied`;
      await this.ctx.appendAfterActing(this.record(plan, { type: 'plan.ended', reason: 'superseded', detail }));
      return { plan: this.ctx.plans.get(plan.id)!, say: `The plan ended at ${stepText(plan)}: ${detail}.` };
    });
    if (acted) await this.report(acted);
  }

  /** An operator's command on the stage's active plan, under the stage's lock; what it came to is said in the thread. */
  private async command(stage: string, work: (plan: Plan | undefined) => Promise<PlanOutcome>): Promise<PlanOutcome> {
    const done = await this.lock.run(stage, () => work(this.ctx.plans.active(stage)));
    if (done.outcome === 'done') await this.report({ plan: done.plan, say: done.text });
    return done;
  }

  /** Journals the command's record, then says it from the plan as it now stands; a journal that fails refuses it. */
  private async journaled(plan: Plan, fields: PlanFields, what: string, otherwise: string, text: (now: Plan) => Promise<string>): Promise<PlanOutcome> {
    try {
      await this.ctx.append(this.record(plan, fields));
    } catch (error) {
      return refused(`The ${what} could not be recorded (${errorMessage(error)}); ${otherwise}. Try again.`);
    }
    const said = await text(this.ctx.plans.get(plan.id)!);
    return { outcome: 'done', plan: this.ctx.plans.get(plan.id)!, text: said };
  }
}
