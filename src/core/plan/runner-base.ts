// What the plan's operator commands (commands.ts) and its tick-driven acting (runner.ts) share: the journal
// record of a plan, the stage's resources, the watch of a step, and what is said in Slack (the PlanReporter,
// always after the stage's lock is released; it never decides anything).
import { errorMessage } from '../format';
import { describeStatus } from '../requests/describe';
import type { PlanRecord } from '../journal';
import type { StageResources, Weights } from '../types';
import type { AlertNote } from '../watch';
import type { WatchRequest } from '../watch-tick';
import { boundedAws, type StageLock } from '../requests/apply';
import type { RequestsContext } from '../requests/context';
import type { Refused } from '../requests/outcomes';
import type { SwitchoverRequest } from '../requests/request';
import { stepWatchUntil, type Plan } from './plan';
import { stepText } from './words';

/** The Slack side of a plan. Both calls are made outside the stage's lock; failures are logged, never decide. */
export interface PlanReporter {
  /** The plan's message (its request message) shows the plan's state, updated in place. */
  show(plan: Plan): Promise<void>;
  /** A request's message shows the request's state (a fallback request the bot cancelled). */
  showRequest(request: SwitchoverRequest): Promise<void>;
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
export interface Acted {
  plan: Plan;
  /** For the plan's thread. */
  say?: string;
  loud?: boolean;
  /** For the guardrail alert (the automatic fallback's outcome). */
  alertNote?: AlertNote;
}

/** A plan record's own fields (the runner adds the time, stage, plan and step in place). */
export type PlanFields = PlanRecord extends infer R ? (R extends PlanRecord ? Omit<R, 'at' | 'stage' | 'requestId' | 'step'> & { step?: number } : never) : never;

export abstract class PlanRunnerBase {
  protected reporter?: PlanReporter;
  private watch?: PlanWatch;

  constructor(
    protected readonly ctx: RequestsContext,
    protected readonly lock: StageLock,
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

  /**
   * Fallback requests closed without a change, told once the stage's lock is released: one the bot cancelled shows
   * it in its message; one rejected, cancelled or expired while the plan is paused says in the plan's thread that
   * the plan stays paused.
   */
  async requestsClosed(requests: SwitchoverRequest[]): Promise<void> {
    for (const request of requests) {
      if (request.kind !== 'fallback') continue;
      if (request.status === 'cancelled' && !request.closedBy) {
        await this.reporter?.showRequest(request).catch((error: unknown) => this.reporter?.log('warn', `could not show request ${request.id}`, error));
        continue;
      }
      const plan = this.ctx.plans.active(request.stage);
      if (plan?.status !== 'paused') continue;
      const say =
        `:double_vertical_bar: The fallback request ${request.id} was ${describeStatus(request)}: the plan stays paused at ${stepText(plan)}. ` +
        `\`/switchover resume ${plan.stage}\` continues it, \`/switchover cancel ${plan.stage}\` ends it; a breach still falls back automatically.`;
      await this.report({ plan, say });
    }
  }

  /** Watches the plan's step in place from its apply, for as long as its bake and holds may take. */
  protected async watchStep(plan: Plan): Promise<void> {
    await this.startWatch(plan, plan.weights, plan.stepAppliedAt, stepWatchUntil(plan));
  }

  protected async startWatch(plan: Plan, weights: Weights, appliedAt: number, until?: number): Promise<void> {
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

  protected async resolve(stage: string): Promise<StageResources | { error: string }> {
    try {
      return await boundedAws(this.ctx, this.ctx.deps.resolver.resolve(stage));
    } catch (error) {
      return { error: `stage ${stage} could not be resolved: ${errorMessage(error)}` };
    }
  }

  protected record(plan: Plan, fields: PlanFields): PlanRecord {
    return { at: this.ctx.nowIso(), stage: plan.stage, requestId: plan.id, step: plan.step, ...fields };
  }

  /**
   * Journals a decision that moves no traffic, then says it. A journal that fails changes nothing and is logged
   * (a minute's decision is taken again the next minute).
   */
  protected async transition(plan: Plan, record: PlanFields, words: () => Omit<Acted, 'plan'>): Promise<Acted | undefined> {
    try {
      await this.ctx.append(this.record(plan, record));
    } catch (error) {
      this.reporter?.log('error', `could not journal the plan's ${record.type} on ${plan.stage}; nothing changed`, error);
      return undefined;
    }
    return { plan: this.ctx.plans.get(plan.id)!, ...words() };
  }

  protected async report(acted: Acted): Promise<void> {
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
