// Runs the plans: every minute of a plan's watch (the watcher calls onTick) the decision (decide.ts) is journaled,
// then acted on under the stage's lock through the approval service's one way of changing traffic
// (requests/apply.ts writeWeights: re-read, refuse on an outside change, one write, read back). A restart settles
// a step or fallback the bot was writing from a read of the listener. Operators' commands are commands.ts.
import { mention } from '../format';
import { holdsWeightedForward } from '../listener';
import type { Weights } from '../types';
import type { AlertNote, TickObserver } from '../watch';
import type { WatchInfo, WatchTick } from '../watch-tick';
import { describeWeights, FALLBACK_WEIGHTS } from '../weights';
import { readBack, writeWeights, type WeightsChange } from '../requests/apply';
import type { WriteOutcome } from '../requests/outcomes';
import { close } from '../requests/closing';
import { PlanCommands } from './commands';
import { decide, type PlanAction, type PlanObservation } from './decide';
import { bakeMs, isActive, MAX_HOLDS, stepPercent, stepWatchUntil, type Plan } from './plan';
import type { Acted } from './runner-base';
import { describePlanShort, stepText } from './words';

export type { PlanOutcome, PlanReporter, PlanWatch } from './runner-base';

export class PlanRunner extends PlanCommands implements TickObserver {
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

  private async advance(plan: Plan, step: number, to: Weights, verdict: string): Promise<Acted | undefined> {
    const percent = stepPercent(plan, step);
    try {
      await this.ctx.append(this.record(plan, { type: 'plan.step-started', step, from: plan.weights, to }));
    } catch (error) {
      this.reporter?.log('error', `could not journal step ${step} of the plan on ${plan.stage}; nothing written, trying again next minute`, error);
      return undefined;
    }
    const outcome = await this.write(plan.stage, { from: plan.weights, to, decidedBy: "the plan's last step", needsHealthyTarget: true }, '; nothing changed.');
    return this.stepOutcome(this.ctx.plans.get(plan.id)!, step, outcome, `${stepText(plan)} was healthy: ${verdict}. Step ${step} of ${plan.steps.length}: ${percent}%`);
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
    const lead = `Step ${pending.step} of ${plan.steps.length} (${stepPercent(plan, pending.step)}%), which the bot was applying when it stopped,`;
    const outcome: WriteOutcome =
      'error' in read
        ? { outcome: 'unconfirmed', reason: `the listener could not be read after the restart (${read.error})` }
        : holdsWeightedForward(read.listener, pending.to)
          ? { outcome: 'applied', before: pending.from, after: read.listener.weights, note: 'Recorded after the bot restarted while applying it: AWS shows the step.' }
          : { outcome: 'failed', error: `the bot restarted while applying it and AWS shows ${describeWeights(read.listener.weights)}`, after: read.listener.weights };
    return this.stepOutcome(plan, pending.step, outcome, lead);
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
    const outcome = await this.write(plan.stage, { to: FALLBACK_WEIGHTS, decidedBy: 'the breach', needsHealthyTarget: false });
    const approved = `approved by ${mention(plan.approver ?? 'unknown')} with the plan`;
    if (outcome.outcome === 'applied') {
      await this.ctx.appendAfterActing(
        this.record(plan, { type: 'plan.ended', reason: 'fell-back', before: outcome.before, after: outcome.after, ...(outcome.note ? { detail: outcome.note } : {}) }),
      );
      // A fallback request still open has nothing left to do: approved later, it would only refuse on the moved weights.
      const open = this.ctx.book.inProgress(plan.stage);
      if (open?.kind === 'fallback' && open.status === 'open') {
        await close(this.ctx, open, undefined, 'cancelled', `the plan ${plan.id} already fell back to the source proxy automatically (${why}); this request is no longer needed`);
      }
      const ended = this.ctx.plans.get(plan.id)!;
      // After the automatic fallback the source is watched as after any fallback.
      await this.startWatch(ended, outcome.after, this.ctx.deps.clock.now());
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

  /** Writes the change through requests/apply.ts writeWeights; a stage that cannot be resolved fails it (`unresolved` added). */
  private async write(stage: string, change: WeightsChange, unresolved = ''): Promise<WriteOutcome> {
    const resources = await this.resolve(stage);
    return 'error' in resources ? { outcome: 'failed', error: `${resources.error}${unresolved}` } : writeWeights(this.ctx, resources, change);
  }
}
