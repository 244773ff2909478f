// The two-person rule: requests for a change of traffic, approval by someone else, applied once and only
// once, every step recorded durably before it is acted on. Slack-agnostic: the Slack layer renders outcomes.
// This is the service's surface and its locking; each phase lives in its own module: creation (and preview),
// eligibility, apply (and recovery), closing.
import { stageHistory, type HistoryPage } from '../history';
import type { RequestKind } from '../journal';
import type { CoreDeps } from '../ports';
import type { StageResources } from '../types';
import { errorMessage } from '../format';
import { planProblem, type PlanSpec } from '../plan/plan';
import { Applier, boundedAws, type StageLock } from './apply';
import { close, expireStage, openOrRefusal } from './closing';
import { RequestsContext, type ApprovalSettings } from './context';
import { createRequest, type RequestInput } from './creation';
import { describeRequest, describeStatus } from './describe';
import { approverRefusal, closerRefusal, eligibleOpenRequest } from './eligibility';
import {
  isRefused,
  refused,
  unknownRequest,
  type ApproveOutcome,
  type CloseOutcome,
  type CreateOutcome,
  type EligibilityOutcome,
  type LoadReport,
  type Refused,
  type SettledOutcome,
} from './outcomes';
import { PerKeyQueue } from './per-key-queue';
import { PlanRunner, type PlanOutcome } from '../plan/runner';
import type { SwitchoverRequest } from './request';

export type { ApprovalSettings } from './context';
export type { RequestInput } from './creation';

export class ApprovalService {
  private readonly ctx: RequestsContext;
  /** The stage locks; once one is released, the stage's plan hears of the requests closed under it. */
  private readonly lock: StageLock;
  private readonly applier: Applier;
  /** Requests expired (by the sweep, a new request or a cancel) whose messages the next sweep updates. */
  private readonly expired: SwitchoverRequest[] = [];
  /** Running plans: same journal, same stage locks, same way of writing weights. */
  readonly plans: PlanRunner;

  constructor(deps: CoreDeps, settings: ApprovalSettings) {
    this.ctx = new RequestsContext(deps, settings);
    const queue = new PerKeyQueue();
    this.lock = { run: (stage, work) => queue.run(stage, work).finally(() => this.plans.requestsClosed(this.ctx.closed.splice(0))) };
    this.applier = new Applier(this.ctx, this.lock);
    this.plans = new PlanRunner(this.ctx, this.lock);
  }

  /**
   * Rebuilds every request from the journal. A request that was being applied when the bot stopped is never
   * applied again: the listener is read, and the request is recorded as applied if AWS holds the requested
   * weights, failed if it holds others, and stays unconfirmed (re-read later) if it cannot be read.
   */
  async load(): Promise<LoadReport> {
    const records = await this.ctx.deps.journal.readAll();
    this.ctx.fold(records);
    const recovered: SettledOutcome[] = [];
    for (const request of this.ctx.book.withStatus('approved')) {
      recovered.push(await this.applier.settleByReading(request, 'restart'));
    }
    await this.plans.recover();
    return { requests: this.ctx.book.all().length, recovered };
  }

  async requestShift(input: RequestInput & { percent: number }): Promise<CreateOutcome> {
    if (!Number.isInteger(input.percent) || input.percent < 0 || input.percent > 100) {
      return refused(`${input.percent} is not a percentage of traffic: give a whole number from 0 to 100 (100 = full switchover).`);
    }
    return this.create('shift', input, input.percent);
  }

  /**
   * A gradual switchover: approved once, its first step applied like a shift, then advanced by the judge at the
   * end of each bake and fallen back automatically on a breach (core/plan).
   */
  requestPlan(input: RequestInput & { spec: PlanSpec }): Promise<CreateOutcome> {
    const problem = planProblem(input.spec);
    if (problem) return Promise.resolve(refused(`That is not a plan: ${problem}. Nothing was requested.`));
    return this.create('plan', input, input.spec.steps[0]!, input.spec);
  }

  /** All new traffic back to the source proxy. Needs only the stage and one listener read: never CloudWatch or charts. */
  async requestFallback(input: RequestInput): Promise<CreateOutcome> {
    const outcome = await this.create('fallback', input, 0);
    // Whoever asks for a fallback wants traffic off the target: a running plan must not step further meanwhile.
    if (outcome.outcome === 'created') await this.plans.fallbackRequested({ stage: input.stage, userId: input.requester, requestId: outcome.request.id });
    return outcome;
  }

  /** A rolling restart of the capture proxy, so clients pinned to it by keep-alive reconnect (and follow the weights). */
  requestForceReconnect(input: RequestInput): Promise<CreateOutcome> {
    return this.create('forceReconnect', input, 0);
  }

  /** Where the request message was posted, so it can be updated in place later (after a restart too). */
  async recordPosted(requestId: string, channel: string, messageTs: string): Promise<void> {
    const request = this.ctx.book.get(requestId);
    if (!request) throw new Error(`no request ${requestId}`);
    await this.ctx.append({ type: 'request.posted', at: this.ctx.nowIso(), stage: request.stage, requestId, channel, messageTs });
  }

  /**
   * Whether `userId` may approve the request now, without claiming it: the Slack layer asks this before it opens
   * the confirmation dialog, so an ineligible click is refused at once. approve() checks again.
   */
  async canApprove(input: { requestId: string; userId: string }): Promise<EligibilityOutcome> {
    const found = this.ctx.book.get(input.requestId);
    if (found?.status === 'open' && this.ctx.deps.clock.now() < found.expiresAt) {
      // Not under the stage lock: a read that approve() repeats under it, so a click never waits behind an apply.
      return (await approverRefusal(this.ctx, found, input.userId)) ?? { outcome: 'eligible', request: found };
    }
    return this.underRequestLock(input.requestId, async () => {
      const request = await eligibleOpenRequest(this.ctx, input);
      return isRefused(request) ? request : { outcome: 'eligible', request };
    });
  }

  /**
   * Approves and applies the request, once: the claim (`request.approved`) is recorded durably before any AWS
   * write, and every later click finds the request no longer open.
   */
  async approve(input: { requestId: string; userId: string }): Promise<ApproveOutcome> {
    const outcome = await this.underRequestLock(input.requestId, async () => {
      const request = await eligibleOpenRequest(this.ctx, input);
      if (isRefused(request)) return request;
      try {
        await this.ctx.append({ type: 'request.approved', at: this.ctx.nowIso(), stage: request.stage, requestId: request.id, approver: input.userId });
      } catch (error) {
        return refused(`The approval could not be recorded (${errorMessage(error)}); nothing changed. Try again.`, true, request);
      }
      return this.applier.apply(this.ctx.request(request.id));
    });
    // An approved fallback overrides a running plan: it must not step traffic back onto the target.
    if (outcome.outcome === 'applied' && outcome.request.kind === 'fallback') await this.plans.superseded(outcome.request.stage, outcome.request.id);
    return outcome;
  }

  /** Re-reads the listener of each change AWS did not confirm, when its next read is due; returns those now settled. */
  rereadUnconfirmed(): Promise<SettledOutcome[]> {
    return this.applier.rereadDue();
  }

  /** The requester or an approver (anyone but the requester when no approver list is set) closes the request. */
  async reject(input: { requestId: string; userId: string }): Promise<CloseOutcome> {
    return this.underRequestLock(input.requestId, async () => {
      const request = await openOrRefusal(this.ctx, input.requestId);
      if (isRefused(request)) return request;
      return (await closerRefusal(this.ctx, request, input.userId, 'reject')) ?? close(this.ctx, request, input.userId, 'rejected');
    });
  }

  /**
   * `/switchover cancel <stage>`: withdraws the stage's open request (same people as reject); without one, ends its
   * running plan (the weights stay).
   */
  async cancel(input: { stage: string; userId: string }): Promise<CloseOutcome | PlanOutcome> {
    const outcome = await this.lock.run(input.stage, async (): Promise<CloseOutcome | undefined> => {
      await this.expireDueRequest(input.stage);
      const request = this.ctx.book.inProgress(input.stage);
      if (!request) {
        if (this.ctx.plans.active(input.stage)) return undefined;
        return refused(`${input.stage} has no open request or running plan to cancel.`);
      }
      if (request.status === 'approved') {
        return refused(`${describeRequest(request)} is ${describeStatus(request)}; it can no longer be cancelled.`, false, request);
      }
      return (await closerRefusal(this.ctx, request, input.userId, 'cancel')) ?? close(this.ctx, request, input.userId, 'cancelled');
    });
    return outcome ?? this.plans.cancel(input);
  }

  /**
   * Expires every open request past its expiry; returns them, and those a new request or a cancel expired since
   * the last sweep, so their messages can be updated.
   */
  async expireDue(): Promise<SwitchoverRequest[]> {
    const now = this.ctx.deps.clock.now();
    const due = this.ctx.book.withStatus('open').filter((r) => now >= r.expiresAt);
    for (const stage of new Set(due.map((r) => r.stage))) await this.lock.run(stage, () => this.expireDueRequest(stage));
    return this.expired.splice(0);
  }

  /** The stage's request that is open or being applied. */
  openRequest(stage: string): SwitchoverRequest | undefined {
    return this.ctx.book.inProgress(stage);
  }

  lastApplied(stage: string): SwitchoverRequest | undefined {
    return this.ctx.book.lastApplied(stage);
  }

  get(requestId: string): SwitchoverRequest | undefined {
    return this.ctx.book.get(requestId);
  }

  /** Every open or applying request, oldest first. */
  pending(): SwitchoverRequest[] {
    return this.ctx.book.withStatus('open', 'approved');
  }

  /** The stage's audit trail, newest first (page 1 = newest). Throws only when the journal cannot be read. */
  async history(stage: string, page = 1, pageSize = 10): Promise<HistoryPage> {
    const records = await this.ctx.deps.journal.readAll().catch((error: unknown) => {
      throw new Error(`could not read the journal: ${errorMessage(error)}`);
    });
    return stageHistory(records, stage, page, pageSize);
  }

  private async create(kind: RequestKind, input: RequestInput, percent: number, plan?: PlanSpec): Promise<CreateOutcome> {
    let resources: StageResources;
    try {
      resources = await boundedAws(this.ctx, this.ctx.deps.resolver.resolve(input.stage));
    } catch (error) {
      return refused(`${errorMessage(error)}. Nothing was requested.`);
    }
    return this.lock.run(input.stage, async () => {
      await this.expireDueRequest(input.stage);
      return createRequest(this.ctx, resources, kind, input, percent, plan);
    });
  }

  /**
   * Expires the stage's due request (under the stage's lock). Nobody is answered about it here, so the next sweep
   * (expireDue) returns it and its message is updated, whichever of the sweep, a new request or a cancel expired it.
   */
  private async expireDueRequest(stage: string): Promise<void> {
    const expired = await expireStage(this.ctx, stage);
    if (expired) this.expired.push(expired);
  }

  /** Runs `work` under the lock of the request's stage; an unknown request is refused at once. */
  private underRequestLock<T>(requestId: string, work: () => Promise<T>): Promise<T | Refused> {
    const found = this.ctx.book.get(requestId);
    if (!found) return Promise.resolve(unknownRequest(requestId));
    return this.lock.run(found.stage, work);
  }
}
