// The two-person rule: requests for a change of traffic, approval by someone else, applied once and only
// once, every step recorded durably before it is acted on. Slack-agnostic: the Slack layer renders outcomes.
import { allHealthy, describeHealth, summarizeHealth, type HealthSummary } from '../health';
import { stageHistory, type HistoryPage } from '../history';
import type { JournalRecord, RequestCreated, RequestKind } from '../journal';
import type { CoreDeps } from '../ports';
import type { ListenerState, StageResources, Weights } from '../types';
import { describeListener, otherGroupRefusal, ruleWarnings } from '../listener';
import { describeWeights, FALLBACK_WEIGHTS, sameWeights, weightsForPercent } from '../weights';
import { capitalize, errorMessage, formatTime, mention } from '../format';
import { describeChange, describeRequest, describeStatus } from './describe';
import { PerKeyQueue } from './per-key-queue';
import type { ApproveOutcome, CloseOutcome, CreateOutcome, EligibilityOutcome, LoadReport, Refused } from './outcomes';
import { proxyTasks, type Preview } from './preview';
import type { SwitchoverRequest } from './request';
import { RequestBook } from './request-book';
import { newRequestId } from './request-id';

export interface ApprovalSettings {
  /** SWITCHOVER_APPROVAL_TTL_MINUTES. */
  ttlMinutes: number;
  /** SWITCHOVER_APPROVERS: user IDs and user-group IDs; empty means anyone but the requester. */
  approvers: string[];
  /** Request ID generator (tests). */
  newId?: () => string;
  /** How long the preview waits for reads it can do without (target health, ECS); default 10 s. */
  optionalReadTimeoutMs?: number;
}

export interface RequestInput {
  stage: string;
  requester: string;
  channel: string;
}

/** How many approvers a refusal names before "and N more". */
const NAMED_APPROVERS = 8;
/** How many unhealthy targets a refusal names. */
const NAMED_PROBLEMS = 3;

export class ApprovalService {
  private book = new RequestBook();
  private readonly lock = new PerKeyQueue();
  private readonly newId: () => string;
  private readonly optionalReadTimeoutMs: number;

  constructor(
    private readonly deps: CoreDeps,
    private readonly settings: ApprovalSettings,
  ) {
    this.newId = settings.newId ?? newRequestId;
    this.optionalReadTimeoutMs = settings.optionalReadTimeoutMs ?? 10_000;
  }

  /**
   * Rebuilds every request from the journal. A request that was being applied when the bot stopped is never
   * applied again blindly: the listener is read, and the request is recorded as applied if AWS holds the
   * proposed weights, failed otherwise.
   */
  async load(): Promise<LoadReport> {
    const records = await this.deps.journal.readAll();
    this.book = RequestBook.fold(records);
    const recovered: SwitchoverRequest[] = [];
    for (const request of this.book.withStatus('approved')) {
      recovered.push(await this.lock.run(request.stage, () => this.recoverInterrupted(request)));
    }
    return { requests: this.book.all().length, recovered };
  }

  requestShift(input: RequestInput & { percent: number }): Promise<CreateOutcome> {
    if (!Number.isInteger(input.percent) || input.percent < 0 || input.percent > 100) {
      return Promise.resolve(
        refused(`${input.percent} is not a percentage of traffic: give a whole number from 0 to 100 (100 = full switchover).`),
      );
    }
    return this.create('shift', input, input.percent);
  }

  /** All new traffic back to the source proxy. Needs only the stage and one listener read: never CloudWatch or charts. */
  requestFallback(input: RequestInput): Promise<CreateOutcome> {
    return this.create('fallback', input, 0);
  }

  /** A rolling restart of the capture proxy, so clients pinned to it by keep-alive reconnect (and follow the weights). */
  requestForceReconnect(input: RequestInput): Promise<CreateOutcome> {
    return this.create('forceReconnect', input, 0);
  }

  /** Where the request message was posted, so it can be updated in place later (after a restart too). */
  async recordPosted(requestId: string, channel: string, messageTs: string): Promise<void> {
    const request = this.book.get(requestId);
    if (!request) throw new Error(`no request ${requestId}`);
    await this.append({ type: 'request.posted', at: this.nowIso(), stage: request.stage, requestId, channel, messageTs });
  }

  /**
   * Whether `userId` may approve the request now, without claiming it: the Slack layer asks this before it opens
   * the confirmation dialog, so an ineligible click is refused at once. approve() checks again.
   */
  async canApprove(input: { requestId: string; userId: string }): Promise<EligibilityOutcome> {
    const found = this.book.get(input.requestId);
    if (found?.status === 'open' && this.deps.clock.now() < found.expiresAt) {
      // Not under the stage lock: a read that approve() repeats under it, so a click never waits behind an apply.
      return (await this.approverRefusal(found, input.userId)) ?? { outcome: 'eligible', request: found };
    }
    return this.underRequestLock(input.requestId, async () => {
      const request = await this.eligibleOpenRequest(input);
      return isRefused(request) ? request : { outcome: 'eligible', request };
    });
  }

  /**
   * Approves and applies the request, once: the claim (`request.approved`) is recorded durably before any AWS
   * write, and every later click finds the request no longer open.
   */
  async approve(input: { requestId: string; userId: string }): Promise<ApproveOutcome> {
    return this.underRequestLock(input.requestId, async () => {
      const request = await this.eligibleOpenRequest(input);
      if (isRefused(request)) return request;
      try {
        await this.append({ type: 'request.approved', at: this.nowIso(), stage: request.stage, requestId: request.id, approver: input.userId });
      } catch (error) {
        return refused(`The approval could not be recorded (${errorMessage(error)}); nothing changed. Try again.`, true, request);
      }
      return this.applyClaimed(this.book.get(request.id)!);
    });
  }

  /** The requester or an approver (anyone but the requester when no approver list is set) closes the request. */
  async reject(input: { requestId: string; userId: string }): Promise<CloseOutcome> {
    return this.underRequestLock(input.requestId, async () => {
      const request = await this.openOrRefusal(input.requestId);
      if (isRefused(request)) return request;
      return this.close(request, input.userId, 'rejected');
    });
  }

  /** `/switchover cancel <stage>`: withdraws the stage's open request (same people as reject). */
  async cancel(input: { stage: string; userId: string }): Promise<CloseOutcome> {
    return this.lock.run(input.stage, async () => {
      await this.expireStage(input.stage);
      const request = this.book.inProgress(input.stage);
      if (!request) return refused(`${input.stage} has no open request to cancel.`);
      if (request.status === 'approved') {
        return refused(`${describeRequest(request)} is ${describeStatus(request)}; it can no longer be cancelled.`, false, request);
      }
      return this.close(request, input.userId, 'cancelled');
    });
  }

  /** Expires every open request past its expiry; returns them so their messages can be updated. */
  async expireDue(): Promise<SwitchoverRequest[]> {
    const expired: SwitchoverRequest[] = [];
    const now = this.deps.clock.now();
    const due = this.book.withStatus('open').filter((r) => now >= r.expiresAt);
    for (const stage of new Set(due.map((r) => r.stage))) {
      const request = await this.lock.run(stage, () => this.expireStage(stage));
      if (request) expired.push(request);
    }
    return expired;
  }

  /** The stage's request that is open or being applied. */
  openRequest(stage: string): SwitchoverRequest | undefined {
    return this.book.inProgress(stage);
  }

  lastApplied(stage: string): SwitchoverRequest | undefined {
    return this.book.lastApplied(stage);
  }

  get(requestId: string): SwitchoverRequest | undefined {
    return this.book.get(requestId);
  }

  /** Every open or applying request, oldest first. */
  pending(): SwitchoverRequest[] {
    return this.book.withStatus('open', 'approved');
  }

  /** The stage's audit trail, newest first (page 1 = newest). Throws only when the journal cannot be read. */
  async history(stage: string, page = 1, pageSize = 10): Promise<HistoryPage> {
    let records: JournalRecord[];
    try {
      records = await this.deps.journal.readAll();
    } catch (error) {
      throw new Error(`could not read the journal: ${errorMessage(error)}`);
    }
    return stageHistory(records, stage, page, pageSize);
  }

  /** Runs `work` under the lock of the request's stage; an unknown request is refused at once. */
  private underRequestLock<T>(requestId: string, work: () => Promise<T>): Promise<T | Refused> {
    const found = this.book.get(requestId);
    if (!found) return Promise.resolve(unknownRequest(requestId));
    return this.lock.run(found.stage, work);
  }

  // ---- creating a request ----

  private async create(kind: RequestKind, input: RequestInput, percent: number): Promise<CreateOutcome> {
    let resources: StageResources;
    try {
      resources = await this.deps.resolver.resolve(input.stage);
    } catch (error) {
      return refused(`${errorMessage(error)}. Nothing was requested.`);
    }
    return this.lock.run(input.stage, async (): Promise<CreateOutcome> => {
      await this.expireStage(input.stage);
      const open = this.book.inProgress(input.stage);
      if (open) {
        return {
          ...refused(
            `${input.stage} already has an open request: ${describeRequest(open)}, ${describeStatus(open)}. ` +
              `Approve, reject or cancel it (\`/switchover cancel ${input.stage}\`) first.`,
          ),
          openRequest: open,
        };
      }
      let listener: ListenerState;
      try {
        listener = await this.deps.loadBalancer.readListener(resources);
      } catch (error) {
        return refused(`Could not read the switchover listener of ${input.stage}: ${errorMessage(error)}. Nothing was requested.`);
      }
      const current = listener.weights;
      const proposed = kind === 'shift' ? weightsForPercent(percent) : kind === 'fallback' ? { ...FALLBACK_WEIGHTS } : { ...current };
      if (kind !== 'forceReconnect') {
        const refusal = otherGroupRefusal(listener, input.stage);
        if (refusal) return refused(`${refusal} Nothing was requested.`);
        // A forward left by the console (one group) is rewritten as the weighted forward even at the same share.
        if (listener.weightedToBoth && sameShare(current, proposed)) {
          return refused(`The switchover listener of ${input.stage} already has ${describeWeights(current)}; there is nothing to change.`);
        }
      }
      const now = this.deps.clock.now();
      const expiresAt = now + this.settings.ttlMinutes * 60_000;
      const preview = await this.readPreview(resources, kind, percent, listener, proposed, input.requester, expiresAt);
      if (kind === 'shift' && percent > 0) {
        const refusal = noHealthyTargetRefusal(preview);
        if (refusal) return refused(`${refusal} Nothing was requested.`);
      }
      const record: RequestCreated = {
        type: 'request.created',
        at: new Date(now).toISOString(),
        stage: input.stage,
        requestId: this.newId(),
        kind,
        requester: input.requester,
        channel: input.channel,
        from: { ...current },
        to: proposed,
        percent,
        expiresAt: new Date(expiresAt).toISOString(),
      };
      try {
        await this.append(record);
      } catch (error) {
        return refused(`The request could not be recorded (${errorMessage(error)}). Nothing was requested; try again.`);
      }
      return { outcome: 'created', request: this.book.get(record.requestId)!, preview };
    });
  }

  /**
   * Health of both groups and the proxies' task counts, read in parallel and each allowed to fail or time out:
   * fallback must go out when only the listener can be read. A shift's own health requirement is checked after.
   */
  private async readPreview(
    resources: StageResources,
    kind: RequestKind,
    percent: number,
    listener: ListenerState,
    proposed: Weights,
    requester: string,
    expiresAt: number,
  ): Promise<Preview> {
    const [source, target, proxies] = await Promise.allSettled([
      this.optional(this.deps.loadBalancer.targetHealth(resources.sourceProxyTargetGroup)),
      this.optional(this.deps.loadBalancer.targetHealth(resources.targetProxyTargetGroup)),
      this.optional(this.deps.ecs.describeProxies(resources)),
    ]);
    const notes: string[] = [];
    const health = (result: PromiseSettledResult<Parameters<typeof summarizeHealth>[0]>, group: string): HealthSummary | null => {
      if (result.status === 'fulfilled') return summarizeHealth(result.value);
      notes.push(`Health of ${group} is unknown: ${errorMessage(result.reason)}.`);
      return null;
    };
    const sourceHealth = health(source, resources.sourceProxyTargetGroup.name);
    const targetHealth = health(target, resources.targetProxyTargetGroup.name);
    if (proxies.status === 'rejected') notes.push(`ECS task counts are unknown: ${errorMessage(proxies.reason)}.`);
    if (listener.stickiness.enabled) {
      notes.push(
        `Stickiness is on (${listener.stickiness.durationSeconds ?? '?'} s): clients stay on their group until it lapses.`,
      );
    }
    notes.push(...ruleWarnings(listener));
    if (proposed.source > 0 && sourceHealth && sourceHealth.healthy === 0) {
      notes.push(`The source proxy group ${resources.sourceProxyTargetGroup.name} has no healthy target (${describeHealth(sourceHealth)}).`);
    }
    if (targetHealth && proposed.target > 0 && targetHealth.healthy > 0 && !allHealthy(targetHealth)) {
      notes.push(`Not every target proxy target is healthy: ${describeHealth(targetHealth)}.`);
    }
    return {
      stage: resources.stage,
      kind,
      percent,
      current: { ...listener.weights },
      proposed: { ...proposed },
      currentText: describeListener(listener),
      proposedText: describeWeights(proposed),
      stickiness: { ...listener.stickiness },
      sourceGroup: resources.sourceProxyTargetGroup.name,
      targetGroup: resources.targetProxyTargetGroup.name,
      sourceHealth,
      targetHealth,
      captureProxy: proxies.status === 'fulfilled' ? proxyTasks(proxies.value.captureProxy) : null,
      targetProxy: proxies.status === 'fulfilled' ? proxyTasks(proxies.value.targetProxy) : null,
      requester,
      expiresAt,
      notes,
    };
  }

  // ---- approving ----

  /** The request if it is open and not expired; otherwise a refusal saying what happened to it. */
  private async openOrRefusal(requestId: string): Promise<SwitchoverRequest | Refused> {
    const request = this.book.get(requestId);
    if (!request) return unknownRequest(requestId);
    if (request.status !== 'open') {
      return refused(`${describeRequest(request)} is no longer open: ${describeStatus(request)}.`, false, request);
    }
    if (this.deps.clock.now() >= request.expiresAt) {
      const expired = await this.expire(request);
      return refused(
        `${describeRequest(expired)} expired at ${formatTime(request.expiresAt)} without approval; nothing changed. Request it again if it is still wanted.`,
        false,
        expired,
      );
    }
    return request;
  }

  /** The open request, if `userId` may approve it now; otherwise the refusal to show. */
  private async eligibleOpenRequest(input: { requestId: string; userId: string }): Promise<SwitchoverRequest | Refused> {
    const request = await this.openOrRefusal(input.requestId);
    if (isRefused(request)) return request;
    return (await this.approverRefusal(request, input.userId)) ?? request;
  }

  private async approverRefusal(request: SwitchoverRequest, userId: string): Promise<Refused | undefined> {
    if (userId === request.requester) {
      return refused(
        `You asked for this change (${describeChange(request)}); someone else must approve it. The request stays open.`,
        true,
        request,
      );
    }
    const listed = await this.onApproverList(userId);
    if (listed === true) return undefined;
    if (listed !== false) {
      return refused(`Could not check the approver list (${listed.error}). The request stays open; try again.`, true, request);
    }
    return refused(`Only the approvers (${nameApprovers(this.settings.approvers)}) may approve this change. The request stays open.`, true, request);
  }

  private async applyClaimed(request: SwitchoverRequest): Promise<ApproveOutcome> {
    let resources: StageResources;
    try {
      resources = await this.deps.resolver.resolve(request.stage);
    } catch (error) {
      return this.fail(request, `${errorMessage(error)}; nothing changed.`);
    }
    if (request.kind === 'forceReconnect') {
      try {
        await this.deps.ecs.restartCaptureProxy(resources);
      } catch (error) {
        return this.fail(request, `the capture proxy restart (${resources.captureProxyService}) could not be started: ${errorMessage(error)}.`);
      }
      return this.succeed(request, request.from, request.from, `A rolling restart of ${resources.captureProxyService} has started.`);
    }
    let current: ListenerState;
    try {
      current = await this.deps.loadBalancer.readListener(resources);
    } catch (error) {
      return this.fail(request, `the switchover listener could not be re-read before the change (${errorMessage(error)}); nothing changed.`);
    }
    if (!sameWeights(current.weights, request.from)) {
      return this.fail(
        request,
        `the weights changed since the request (now ${describeWeights(current.weights)}, requested from ${describeWeights(request.from)}); nothing changed. Request again if the change is still wanted.`,
        current.weights,
      );
    }
    const otherGroup = otherGroupRefusal(current, request.stage);
    if (otherGroup) return this.fail(request, `${otherGroup} Nothing changed.`, current.weights);
    if (request.kind === 'shift' && request.to.target > 0) {
      // Health can change between request and approval; a shift never sends clients to a group with nothing healthy.
      try {
        const health = summarizeHealth(await this.deps.loadBalancer.targetHealth(resources.targetProxyTargetGroup));
        if (health.healthy === 0) {
          return this.fail(
            request,
            `the target proxy group ${resources.targetProxyTargetGroup.name} has no healthy target now (${describeHealth(health)}); nothing changed.`,
            current.weights,
          );
        }
      } catch (error) {
        return this.fail(request, `the target proxy group's health could not be checked (${errorMessage(error)}); nothing changed.`, current.weights);
      }
    }
    try {
      await this.deps.loadBalancer.setWeights(resources, current, request.to);
    } catch (error) {
      const after = await this.readBack(resources);
      const state = after.weights
        ? `AWS now shows ${describeWeights(after.weights)}`
        : `the weights could not be read back (${after.error}); check the listener before requesting again`;
      return this.fail(request, `the new weights could not be written: ${errorMessage(error)}. ${capitalize(state)}.`, after.weights);
    }
    const after = await this.readBack(resources);
    if (!after.weights) {
      return this.succeed(
        request,
        current.weights,
        request.to,
        `AWS accepted the change, but reading it back failed (${after.error}); the weights shown are the ones written.`,
      );
    }
    const note = sameWeights(after.weights, request.to)
      ? undefined
      : `AWS reports ${describeWeights(after.weights)}, not the requested ${describeWeights(request.to)}.`;
    return this.succeed(request, current.weights, after.weights, note);
  }

  private async readBack(resources: StageResources): Promise<{ weights?: Weights; error?: string }> {
    try {
      return { weights: (await this.deps.loadBalancer.readListener(resources)).weights };
    } catch (error) {
      return { error: errorMessage(error) };
    }
  }

  private async succeed(request: SwitchoverRequest, before: Weights, after: Weights, note?: string): Promise<ApproveOutcome> {
    const journalProblem = await this.appendAfterActing({
      type: 'request.applied',
      at: this.nowIso(),
      stage: request.stage,
      requestId: request.id,
      before: { ...before },
      after: { ...after },
      ...(note === undefined ? {} : { note }),
    });
    const notes = [note, journalProblem].filter((n): n is string => n !== undefined);
    return {
      outcome: 'applied',
      request: this.book.get(request.id)!,
      before: { ...before },
      after: { ...after },
      ...(notes.length ? { note: notes.join(' ') } : {}),
    };
  }

  private async fail(request: SwitchoverRequest, error: string, after?: Weights): Promise<ApproveOutcome> {
    const journalProblem = await this.appendAfterActing({
      type: 'request.failed',
      at: this.nowIso(),
      stage: request.stage,
      requestId: request.id,
      error,
      ...(after ? { after: { ...after } } : {}),
    });
    return {
      outcome: 'failed',
      request: this.book.get(request.id)!,
      error: journalProblem ? `${error} ${journalProblem}` : error,
      ...(after ? { after: { ...after } } : {}),
    };
  }

  /** The restart of a request that was being applied: settle it from what AWS shows now, never re-apply it. */
  private async recoverInterrupted(request: SwitchoverRequest): Promise<SwitchoverRequest> {
    const settle = async (record: JournalRecord) => {
      await this.appendAfterActing(record);
      return this.book.get(request.id)!;
    };
    const base = { at: this.nowIso(), stage: request.stage, requestId: request.id };
    if (request.kind === 'forceReconnect') {
      return settle({
        ...base,
        type: 'request.failed',
        error: 'the bot restarted while restarting the capture proxy; check its deployments in ECS, and request again if it did not restart.',
      });
    }
    let weights: Weights;
    try {
      const resources = await this.deps.resolver.resolve(request.stage);
      weights = (await this.deps.loadBalancer.readListener(resources)).weights;
    } catch (error) {
      return settle({
        ...base,
        type: 'request.failed',
        error: `the bot restarted while applying, and the listener could not be read (${errorMessage(error)}); check the weights, then request again.`,
      });
    }
    if (sameWeights(weights, request.to)) {
      return settle({
        ...base,
        type: 'request.applied',
        before: { ...request.from },
        after: weights,
        note: 'Recorded after the bot restarted while applying: AWS shows the requested weights.',
      });
    }
    return settle({
      ...base,
      type: 'request.failed',
      error: `the bot restarted while applying; AWS shows ${describeWeights(weights)}; request again.`,
      after: weights,
    });
  }

  // ---- closing ----

  private async close(request: SwitchoverRequest, userId: string, how: 'rejected' | 'cancelled'): Promise<CloseOutcome> {
    const may = userId === request.requester || (await this.onApproverList(userId));
    if (may !== true) {
      const verb = how === 'rejected' ? 'reject' : 'cancel';
      const why = may !== false ? `the approver list could not be checked (${may.error}); try again` : `only the requester (${mention(request.requester)}) or an approver (${nameApprovers(this.settings.approvers)}) may ${verb} it`;
      return refused(`You cannot ${verb} ${describeRequest(request)}: ${why}. The request stays open.`, true, request);
    }
    try {
      await this.append({ type: how === 'rejected' ? 'request.rejected' : 'request.cancelled', at: this.nowIso(), stage: request.stage, requestId: request.id, by: userId });
    } catch (error) {
      return refused(`The ${how === 'rejected' ? 'rejection' : 'cancellation'} could not be recorded (${errorMessage(error)}). The request stays open; try again.`, true, request);
    }
    return { outcome: how, request: this.book.get(request.id)! };
  }

  /** Whether the user is an approver (anyone is when no approver list is set); `error` when that could not be checked. */
  private async onApproverList(userId: string): Promise<boolean | { error: string }> {
    if (this.settings.approvers.length === 0) return true;
    try {
      return await this.deps.people.isListed(userId, this.settings.approvers);
    } catch (error) {
      return { error: errorMessage(error) };
    }
  }

  /** Expires the stage's open request if it is past its expiry (call under the stage's lock). */
  private async expireStage(stage: string): Promise<SwitchoverRequest | undefined> {
    const request = this.book.inProgress(stage);
    if (!request || request.status !== 'open' || this.deps.clock.now() < request.expiresAt) return undefined;
    return this.expire(request);
  }

  private async expire(request: SwitchoverRequest): Promise<SwitchoverRequest> {
    // Expiry follows from the time alone, so the book moves on even if the journal cannot record it now.
    await this.appendAfterActing({ type: 'request.expired', at: this.nowIso(), stage: request.stage, requestId: request.id });
    return this.book.get(request.id)!;
  }

  // ---- journal ----

  /** Durable first, then the book: a record that could not be written changes nothing. */
  private async append(record: JournalRecord): Promise<void> {
    await this.deps.journal.append(record);
    this.book.apply(record);
  }

  /**
   * For records of what already happened (AWS was written): the book follows even if the journal fails, so
   * nothing is applied twice in this process; the problem is returned for the outcome to mention.
   */
  private async appendAfterActing(record: JournalRecord): Promise<string | undefined> {
    try {
      await this.deps.journal.append(record);
      return undefined;
    } catch (error) {
      return `The journal could not record this (${errorMessage(error)}).`;
    } finally {
      this.book.apply(record);
    }
  }

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  /** Bounds a read the preview can do without, so a hanging API never holds up a fallback. */
  private async optional<T>(work: Promise<T>): Promise<T> {
    const controller = new AbortController();
    const ms = this.optionalReadTimeoutMs;
    const timeout = this.deps.clock.sleep(ms, controller.signal).then(() => {
      throw new Error(`no answer within ${Math.round(ms / 1000)} s`);
    });
    timeout.catch(() => undefined);
    try {
      return await Promise.race([work, timeout]);
    } finally {
      controller.abort();
    }
  }
}

function refused(reason: string, requestStaysOpen = false, request?: SwitchoverRequest): Refused {
  return { outcome: 'refused', reason, requestStaysOpen, ...(request ? { request } : {}) };
}

function isRefused(value: SwitchoverRequest | Refused): value is Refused {
  return 'outcome' in value;
}

function unknownRequest(requestId: string): Refused {
  return refused(`There is no request ${requestId} (it may belong to another deployment of the bot, or its journal was lost).`);
}

/** Same share of new traffic (e.g. 1/0 and 100/0 both send everything to the source proxy). */
function sameShare(a: Weights, b: Weights): boolean {
  if (sameWeights(a, b)) return true;
  const aTotal = a.source + a.target;
  const bTotal = b.source + b.target;
  return aTotal > 0 && bTotal > 0 && a.source * b.target === a.target * b.source;
}

/** Why a shift to the target proxy must not be requested, if it must not. */
function noHealthyTargetRefusal(preview: Preview): string | undefined {
  const health = preview.targetHealth;
  if (!health) {
    const why = preview.notes.find((n) => n.startsWith(`Health of ${preview.targetGroup}`)) ?? 'its health is unknown.';
    return `A shift needs a healthy target proxy, and ${lowerFirst(why)}`;
  }
  if (health.healthy > 0) return undefined;
  const problems = health.problems.slice(0, NAMED_PROBLEMS).join('; ');
  const more = health.problems.length > NAMED_PROBLEMS ? ` and ${health.problems.length - NAMED_PROBLEMS} more` : '';
  return (
    `The target proxy group ${preview.targetGroup} has no healthy target (${describeHealth(health)}${problems ? `: ${problems}${more}` : ''}). ` +
    `Run \`/switchover prep ${preview.stage}\` or fix the target proxy first.`
  );
}

function nameApprovers(approvers: readonly string[]): string {
  const named = approvers.slice(0, NAMED_APPROVERS).map(mention).join(', ');
  return approvers.length > NAMED_APPROVERS ? `${named} and ${approvers.length - NAMED_APPROVERS} more` : named;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
