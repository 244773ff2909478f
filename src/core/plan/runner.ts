// Runs the plans: every minute of a plan's watch (the watcher calls onTick) the decision (decide.ts) is journaled,
// then acted on under the stage's lock through the approval service's one way of changing traffic
// (requests/apply.ts writeWeights: re-read, refuse on an outside change, one write, read back). Pause, resume
// and cancel come from operators; a restart settles a step or fallback the bot was writing from a read of the
// listener. What is said in Slack goes through the PlanReporter after the lock is released, and never decides
// anything.
import { errorMessage, mention } from '../format';
import type { PlanRecord } from '../journal';
import { holdsWeightedForward } from '../listener';
import type { StageResources, Weights } from '../types';
import type { AlertNote, TickObserver } from '../watch';
import type { WatchInfo, WatchRequest, WatchTick } from '../watch-tick';
import { describeWeights, FALLBACK_WEIGHTS } from '../weights';
import { boundedAws, readBack, writeWeights, type StageLock, type WriteOutcome } from '../requests/apply';
import type { RequestsContext } from '../requests/context';
import { nameApprovers, onApproverList } from '../requests/eligibility';
import { refused, type Refused } from '../requests/outcomes';
import { decide, type PlanAction, type PlanObservation } from './decide';
import { bakeMs, isActive, MAX_HOLDS, stepPercent, stepWatchUntil, type Plan } from './plan';
import { describePlanShort, stepText } from './words';

/** The Slack side of a plan. Both calls are made outside the stage's lock; failures are logged, never decide. */
export interface PlanReporter {
  /** The plan's message (its request message) shows the plan's state, updated in place. */
  show(plan: Plan): Promise<void>;
  /** A message in the plan's thread; `loud` also shows it in the channel. */
  say(plan: Plan, text: string, loud?: boolean): Promise<void>;
  log(level: 'info' | 'warn' | 'error', message: string, error?: unknown): void;
}

/** Starting the watch of a plan's step (the watcher). */
export interface PlanWatch {
  start(request: WatchRequest, options: { continuing?: boolean; until?: number }): Promise<unknown>;
}

export type PlanOutcome = { outcome: 'done'; plan: Plan; text: string } | Refused;

/** What an action came to: the plan after it, and what to say. */
interface Acted {
  plan: Plan;
  /** For the plan's thread. */
  say?: string;
  loud?: boolean;
  /** For the guardrail alert (the automatic fallback's outcome). */
  alertNote?: AlertNote;
}

const iso = (t: number) => new Date(t).toISOString();

/** A plan record's own fields (the runner adds the time, stage, plan and step in place). */
type PlanFields = PlanRecord extends infer R ? (R extends PlanRecord ? Omit<R, 'at' | 'stage' | 'requestId' | 'step'> & { step?: number } : never) : never;

export class PlanRunner implements TickObserver {
  private reporter?: PlanReporter;
  private watch?: PlanWatch;

  constructor(
    private readonly ctx: RequestsContext,
    private readonly lock: StageLock,
  ) {}

  /** Where plans talk and how their steps are watched (set once the Slack side and the watcher exist). */
  attach(reporter: PlanReporter, watch: PlanWatch): void {
    this.reporter = reporter;
    this.watch = watch;
  }

  get(id: string): Plan | undefined {
    return this.ctx.plans.get(id);
  }

  /** The stage's plan that has not ended. */
  active(stage: string): Plan | undefined {
    return this.ctx.plans.active(stage);
  }

  /** The stage's newest plan, ended or not (status shows an ended one's outcome). */
  latest(stage: string): Plan | undefined {
    return this.ctx.plans.latest(stage);
  }

  /** One minute of the plan's watch: decide, journal, act; the breach alert gets the fallback's outcome. */
  async onTick(watch: WatchInfo, tick: WatchTick, changedOutside: string | undefined): Promise<{ alertNote?: AlertNote } | void> {
    const found = this.ctx.plans.get(watch.requestId);
    if (!found || found.status === 'ended') return;
    const seen: PlanObservation = {
      at: tick.at,
      watchedWeights: watch.appliedWeights,
      evaluation: tick.evaluation,
      ...('error' in tick.health ? { healthError: tick.health.error } : {}),
      ...(changedOutside !== undefined ? { changedOutside } : {}),
      ...(tick.completion.complete ? { switchoverComplete: true } : {}),
    };
    if (decide(found, seen).action === 'none') return;
    const acted = await this.lock.run(found.stage, async () => {
      const plan = this.ctx.plans.get(found.id)!;
      return this.act(plan, decide(plan, seen));
    });
    if (!acted) return;
    await this.report(acted);
    return acted.alertNote ? { alertNote: acted.alertNote } : undefined;
  }

  /**
   * A plan's watch lasts as long as the plan: a paused plan, or one whose bot was down past its step's window,
   * still falls back on a breach and still has its bake judged.
   */
  watchUntil(watch: WatchInfo, now: number): number | undefined {
    const plan = this.ctx.plans.get(watch.requestId);
    if (!plan || !isActive(plan)) return undefined;
    return Math.max(stepWatchUntil(plan), now + bakeMs(plan));
  }

  /** `/switchover pause <stage>`: holds the plan at its step at once (a breach still falls back). */
  async pause(input: { stage: string; userId: string }): Promise<PlanOutcome> {
    const done = await this.lock.run(input.stage, async (): Promise<PlanOutcome> => {
      const plan = this.ctx.plans.active(input.stage);
      if (!plan) return refused(`${input.stage} has no running plan to pause.`);
      if (plan.status === 'paused') return refused(`The plan on ${input.stage} is already paused (${describePlanShort(plan)}). \`/switchover resume ${input.stage}\` continues it.`);
      if (plan.status !== 'running') return refused(`The plan on ${input.stage} is ${describePlanShort(plan)}; try again in a moment.`);
      const record = this.record(plan, { type: 'plan.paused', reason: 'operator', by: input.userId });
      try {
        await this.ctx.append(record);
      } catch (error) {
        return refused(`The pause could not be recorded (${errorMessage(error)}); the plan goes on. Try again.`);
      }
      const paused = this.ctx.plans.get(plan.id)!;
      return {
        outcome: 'done',
        plan: paused,
        text: `${mention(input.userId)} paused the plan at ${stepText(paused)}. It moves no traffic until \`/switchover resume ${input.stage}\`; a guardrail breach still falls back automatically.`,
      };
    });
    return this.reported(done);
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
  async resume(input: { stage: string; userId: string }): Promise<PlanOutcome> {
    const done = await this.lock.run(input.stage, async (): Promise<PlanOutcome> => {
      const plan = this.ctx.plans.active(input.stage);
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
      try {
        await this.ctx.append(this.record(plan, { type: 'plan.resumed', by: input.userId }));
      } catch (error) {
        return refused(`The resume could not be recorded (${errorMessage(error)}); the plan stays paused. Try again.`);
      }
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
      return {
        outcome: 'done',
        plan: resumed,
        text: `${mention(input.userId)} resumed the plan at ${stepText(resumed)}.${confirmed} The step is judged again at the end of a fresh bake: ${describePlanShort(resumed)}.`,
      };
    });
    return this.reported(done);
  }

  /** `/switchover cancel <stage>` with no open request: ends the running plan; the weights stay where they are. */
  async cancel(input: { stage: string; userId: string }): Promise<PlanOutcome> {
    const done = await this.lock.run(input.stage, async (): Promise<PlanOutcome> => {
      const plan = this.ctx.plans.active(input.stage);
      if (!plan) return refused(`${input.stage} has no open request or running plan to cancel.`);
      const may = input.userId === plan.requester || (await onApproverList(this.ctx, input.userId));
      if (may !== true) {
        const why =
          may === false
            ? `only its requester (${mention(plan.requester)}) or an approver (${nameApprovers(this.ctx.settings.approvers)}) may cancel it`
            : `the approver list could not be checked (${may.error}); try again`;
        return refused(`You cannot cancel the plan on ${input.stage}: ${why}. The plan goes on.`);
      }
      try {
        await this.ctx.append(this.record(plan, { type: 'plan.ended', reason: 'cancelled', by: input.userId }));
      } catch (error) {
        return refused(`The cancellation could not be recorded (${errorMessage(error)}); the plan goes on. Try again.`);
      }
      const ended = this.ctx.plans.get(plan.id)!;
      return {
        outcome: 'done',
        plan: ended,
        text: `${mention(input.userId)} cancelled the plan at ${stepText(ended)}. The weights stay as they are (${describeWeights(ended.weights)}); the watch goes on.`,
      };
    });
    return this.reported(done);
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

  /**
   * After a restart: a step or fallback the bot was writing when it stopped is settled from a read of the listener
   * (a fallback not in place is written now: the breach that decided it stands). Running and paused plans need
   * nothing here: their watch resumes and its first minute judges a bake that ended meanwhile on its whole window.
   */
  async recover(): Promise<void> {
    for (const plan of this.ctx.plans.allActive()) {
      if (plan.status !== 'advancing' && plan.status !== 'falling-back') continue;
      const acted = await this.lock.run(plan.stage, async () => {
        const current = this.ctx.plans.get(plan.id)!;
        return current.status === 'falling-back' ? this.fallBack(current, 'the bot restarted while falling back') : this.settleStep(current);
      });
      await this.report(acted);
    }
  }

  /** Acts on a decision (under the stage's lock). */
  private async act(plan: Plan, action: PlanAction): Promise<Acted | undefined> {
    switch (action.action) {
      case 'none':
        return undefined;
      case 'fallback':
        return this.fallBack(plan, `${action.breach.guardrail} breached`, action.breach.detail);
      case 'pause':
        return this.transition(plan, { type: 'plan.paused', reason: action.reason, detail: action.detail }, () => ({
          say: `:double_vertical_bar: The plan paused at ${stepText(plan)}: ${action.detail}. An operator can \`/switchover resume ${plan.stage}\` or \`/switchover cancel ${plan.stage}\`; a breach still falls back automatically.`,
          loud: true,
        }));
      case 'hold':
        return this.transition(plan, { type: 'plan.held', holds: action.holds, verdict: action.verdict }, () => ({
          say: `:hourglass: ${stepText(plan)} held for another ${plan.bakeMinutes} min (${action.holds} of ${MAX_HOLDS}): ${action.verdict}.`,
        }));
      case 'complete':
        return this.transition(plan, { type: 'plan.ended', reason: 'completed', detail: action.verdict }, () => ({
          say: `:white_check_mark: The plan is complete at ${stepText(plan)}: ${action.verdict}. The watch goes on until the source proxy is quiet.`,
          loud: true,
        }));
      case 'advance':
        return this.advance(plan, action.step, action.to, action.verdict);
    }
  }

  /** Journals a decision that moves no traffic, then says it; a journal that fails changes nothing (next minute retries). */
  private async transition(plan: Plan, record: PlanFields, words: () => Omit<Acted, 'plan'>): Promise<Acted | undefined> {
    try {
      await this.ctx.append(this.record(plan, record));
    } catch (error) {
      this.reporter?.log('error', `could not journal the plan's ${record.type} on ${plan.stage}; trying again next minute`, error);
      return undefined;
    }
    return { plan: this.ctx.plans.get(plan.id)!, ...words() };
  }

  private async advance(plan: Plan, step: number, to: Weights, verdict: string): Promise<Acted | undefined> {
    const percent = stepPercent(plan, step);
    try {
      await this.ctx.append(this.record(plan, { type: 'plan.step-started', step, from: plan.weights, to }));
    } catch (error) {
      this.reporter?.log('error', `could not journal step ${step} of the plan on ${plan.stage}; nothing written, trying again next minute`, error);
      return undefined;
    }
    const resources = await this.resolve(plan.stage);
    const outcome: WriteOutcome =
      'error' in resources
        ? { outcome: 'failed', error: `${resources.error}; nothing changed.` }
        : await writeWeights(this.ctx, resources, { from: plan.weights, to, decidedBy: "the plan's last step", needsHealthyTarget: true });
    return this.stepOutcome(this.ctx.plans.get(plan.id)!, step, outcome, `${stepText(plan)} was healthy: ${verdict}. Step ${step} of ${plan.steps.length}: ${percent} %`);
  }

  /** Records a step's outcome and starts watching it when applied. */
  private async stepOutcome(plan: Plan, step: number, outcome: WriteOutcome, lead: string): Promise<Acted> {
    if (outcome.outcome === 'applied') {
      const problem = await this.ctx.appendAfterActing(
        this.record(plan, {
          type: 'plan.step-applied',
          step,
          before: outcome.before,
          after: outcome.after,
          ...(outcome.note ? { note: outcome.note } : {}),
        }),
      );
      const next = this.ctx.plans.get(plan.id)!;
      await this.watchStep(next);
      const notes = [outcome.note, problem].filter(Boolean).join(' ');
      return { plan: next, say: `:arrow_forward: ${lead} applied; AWS now has ${describeWeights(outcome.after)}. ${describePlanShort(next)}.${notes ? ` ${notes}` : ''}` };
    }
    const unconfirmed = outcome.outcome === 'unconfirmed';
    const error = unconfirmed ? `${outcome.reason}: the step may or may not be in place` : outcome.error;
    await this.ctx.appendAfterActing(
      this.record(plan, {
        type: 'plan.step-failed',
        step,
        error,
        ...(outcome.outcome === 'failed' && outcome.after ? { after: outcome.after } : {}),
        ...(unconfirmed ? { unconfirmed: true } : {}),
      }),
    );
    const next = this.ctx.plans.get(plan.id)!;
    return {
      plan: next,
      say:
        `:x: ${lead} could not be applied: ${error}. The plan is paused at ${stepText(next)}; ` +
        `\`/switchover resume ${plan.stage}\` reads the listener and goes on from what it shows, \`/switchover cancel ${plan.stage}\` ends the plan.`,
      loud: true,
    };
  }

  /** A step the bot was writing when it stopped: what the listener shows decides, nothing is written again. */
  private async settleStep(plan: Plan): Promise<Acted> {
    const pending = plan.pending!;
    const resources = await this.resolve(plan.stage);
    const read = 'error' in resources ? resources : await readBack(this.ctx, resources);
    const lead = `Step ${pending.step} of ${plan.steps.length} (${stepPercent(plan, pending.step)} %), which the bot was applying when it stopped,`;
    if ('error' in read) return this.stepOutcome(plan, pending.step, { outcome: 'unconfirmed', reason: `the listener could not be read after the restart (${read.error})` }, lead);
    if (holdsWeightedForward(read.listener, pending.to)) {
      return this.stepOutcome(plan, pending.step, { outcome: 'applied', before: pending.from, after: read.listener.weights, note: 'Recorded after the bot restarted while applying it: AWS shows the step.' }, lead);
    }
    return this.stepOutcome(
      plan,
      pending.step,
      { outcome: 'failed', error: `the bot restarted while applying it and AWS shows ${describeWeights(read.listener.weights)}`, after: read.listener.weights },
      lead,
    );
  }

  /**
   * The automatic fallback: one write of all new traffic to the source proxy. Decided on a breach, it is written
   * even if the journal cannot record the decision (a broken disk must not keep traffic on a failing target), and
   * not refused because the weights moved: any weights are worse than the source proxy's during a breach.
   */
  private async fallBack(plan: Plan, why: string, detail?: string): Promise<Acted> {
    let journalProblem: string | undefined;
    if (plan.status !== 'falling-back') {
      journalProblem = await this.ctx.appendAfterActing(this.record(plan, { type: 'plan.fallback-started', guardrail: why, detail: detail ?? why }));
    }
    const resources = await this.resolve(plan.stage);
    const outcome: WriteOutcome =
      'error' in resources
        ? { outcome: 'failed', error: resources.error }
        : await writeWeights(this.ctx, resources, { to: FALLBACK_WEIGHTS, decidedBy: 'the breach', needsHealthyTarget: false });
    const approved = `approved by ${mention(plan.approver ?? 'unknown')} with the plan`;
    if (outcome.outcome === 'applied') {
      await this.ctx.appendAfterActing(
        this.record(plan, { type: 'plan.ended', reason: 'fell-back', before: outcome.before, after: outcome.after, ...(outcome.note ? { detail: outcome.note } : {}) }),
      );
      const ended = this.ctx.plans.get(plan.id)!;
      await this.watchFallback(ended, outcome.after);
      const note =
        `Automatic fallback (${approved}): ${why}, so all new traffic went back to the source proxy; AWS now has ${describeWeights(outcome.after)}. ` +
        `The plan has ended at ${stepText(plan)}.${outcome.note ? ` ${outcome.note}` : ''}${journalProblem ? ` ${journalProblem}` : ''}`;
      return { plan: ended, say: `:rotating_light: ${note}`, alertNote: { text: note, fellBack: true } };
    }
    const error = outcome.outcome === 'unconfirmed' ? `${outcome.reason}: the fallback may or may not be in place` : outcome.error;
    await this.ctx.appendAfterActing(this.record(plan, { type: 'plan.ended', reason: 'fallback-failed', detail: error }));
    const ended = this.ctx.plans.get(plan.id)!;
    const note =
      `AUTOMATIC FALLBACK FAILED (${approved}): ${why}, but ${error}. The plan has ended; request a fallback now ` +
      `(\`/switchover fallback ${plan.stage}\`) or set the listener's weights in the console.`;
    return { plan: ended, say: `:x: ${note}`, loud: true, alertNote: { text: note, fellBack: false } };
  }

  /** Watches the plan's step in place from its apply, for as long as its bake and holds may take. */
  private async watchStep(plan: Plan): Promise<void> {
    await this.startWatch(plan, plan.weights, plan.stepAppliedAt, stepWatchUntil(plan));
  }

  /** After the automatic fallback the source is watched as after any fallback. */
  private async watchFallback(plan: Plan, weights: Weights): Promise<void> {
    await this.startWatch(plan, weights, this.ctx.deps.clock.now());
  }

  private async startWatch(plan: Plan, weights: Weights, appliedAt: number, until?: number): Promise<void> {
    if (!this.watch || !plan.messageTs) return;
    try {
      await this.watch.start(
        { stage: plan.stage, requestId: plan.id, channel: plan.channel, threadTs: plan.messageTs, appliedWeights: { ...weights }, appliedAt },
        { continuing: true, ...(until !== undefined ? { until } : {}) },
      );
    } catch (error) {
      this.reporter?.log('error', `could not start watching the plan's step on ${plan.stage}`, error);
    }
  }

  private async resolve(stage: string): Promise<StageResources | { error: string }> {
    try {
      return await boundedAws(this.ctx, this.ctx.deps.resolver.resolve(stage));
    } catch (error) {
      return { error: `stage ${stage} could not be resolved: ${errorMessage(error)}` };
    }
  }

  private record(plan: Plan, fields: PlanFields): PlanRecord {
    return { at: iso(this.ctx.deps.clock.now()), stage: plan.stage, requestId: plan.id, step: plan.step, ...fields } as PlanRecord;
  }

  private async reported(done: PlanOutcome): Promise<PlanOutcome> {
    if (done.outcome === 'done') await this.report({ plan: done.plan, say: done.text });
    return done;
  }

  private async report(acted: Acted): Promise<void> {
    const reporter = this.reporter;
    if (!reporter) return;
    try {
      await reporter.show(acted.plan);
      if (acted.say) await reporter.say(acted.plan, acted.say, acted.loud);
    } catch (error) {
      reporter.log('warn', `could not show the plan on ${acted.plan.stage}`, error);
    }
  }
}
