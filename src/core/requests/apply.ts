// Applying a claimed request, and settling one whose outcome is not known yet. What AWS shows decides: a write
// AWS did not answer (a timeout, a lost answer, throttling after it applied) is settled by reading the listener
// back; a read that fails too leaves the request "applying, unconfirmed", re-read with backoff until a read
// settles it. A restart settles an interrupted apply the same way. Nothing is ever applied twice.
import { describeHealth, summarizeHealth } from '../health';
import { capitalize, errorMessage } from '../format';
import { holdsWeights, otherGroupRefusal } from '../listener';
import type { ListenerState, StageResources, Weights } from '../types';
import { describeWeights, sameWeights } from '../weights';
import type { RequestsContext } from './context';
import type { SettledOutcome, WriteOutcome } from './outcomes';
import type { SwitchoverRequest } from './request';

/** The per-stage lock the service serializes changes with (only its `run` is needed). */
export interface StageLock {
  run<T>(stage: string, work: () => Promise<T>): Promise<T>;
}

/** Default waits between re-reads of an unconfirmed change: 30 s, doubling, at most 5 min. */
export const REREAD_DELAYS_MS = [30_000, 60_000, 120_000, 240_000, 300_000];
const AWS_CALL_TIMEOUT_MS = 30_000;

type ReadBack = { listener: ListenerState } | { error: string };

/** One AWS call, bounded: a call that never answers must not hold the stage's lock. */
export function boundedAws<T>(ctx: RequestsContext, work: Promise<T>): Promise<T> {
  return ctx.deadline(work, ctx.settings.awsCallTimeoutMs ?? AWS_CALL_TIMEOUT_MS);
}

export async function readBack(ctx: RequestsContext, resources: StageResources): Promise<ReadBack> {
  try {
    return { listener: await boundedAws(ctx, ctx.deps.loadBalancer.readListener(resources)) };
  } catch (error) {
    return { error: errorMessage(error) };
  }
}

/** A change of the switchover listener's weights, as an approved request or a plan's step or fallback asks it. */
export interface WeightsChange {
  /** The weights the change was decided on: anything else found on the re-read refuses it. Unset: any (a fallback). */
  from?: Weights;
  to: Weights;
  /** Where `from` comes from, for the refusal: "the request" ("since the request ..., requested from ..."), "the plan's last step". */
  decidedBy: string;
  /** A change that sends traffic to the target proxy is refused while its group has no healthy target. */
  needsHealthyTarget: boolean;
}

/**
 * The one way the bot changes traffic (call under the stage's lock): re-read the listener, refuse if it moved
 * since the change was decided or another group carries traffic, one write, read back. A write AWS did not
 * answer is settled by the read-back; when that fails too the outcome is unconfirmed (never failed).
 */
export async function writeWeights(ctx: RequestsContext, resources: StageResources, change: WeightsChange): Promise<WriteOutcome> {
  const { loadBalancer } = ctx.deps;
  const aws = <T>(work: Promise<T>) => boundedAws(ctx, work);
  let current: ListenerState;
  try {
    current = await aws(loadBalancer.readListener(resources));
  } catch (error) {
    return { outcome: 'failed', error: `the switchover listener could not be re-read before the change (${errorMessage(error)}); nothing changed.` };
  }
  // Refused before the write: the listener stays as read.
  const refuse = (error: string): WriteOutcome => ({ outcome: 'failed', error, after: current.weights });
  if (change.from && !sameWeights(current.weights, change.from)) {
    const was = `${change.decidedBy === 'the request' ? 'requested from' : 'it left'} ${describeWeights(change.from)}`;
    return refuse(`the weights changed since ${change.decidedBy} (now ${describeWeights(current.weights)}, ${was}); nothing changed. Request again if the change is still wanted.`);
  }
  const otherGroup = otherGroupRefusal(current, resources.stage);
  if (otherGroup) return refuse(`${otherGroup} Nothing changed.`);
  if (change.needsHealthyTarget) {
    // Health can change between request and approval; a shift never sends clients to a group with nothing healthy.
    try {
      const health = summarizeHealth(await aws(loadBalancer.targetHealth(resources.targetProxyTargetGroup)));
      const group = resources.targetProxyTargetGroup.name;
      if (health.healthy === 0) return refuse(`the target proxy group ${group} has no healthy target now (${describeHealth(health)}); nothing changed.`);
    } catch (error) {
      return refuse(`the target proxy group's health could not be checked (${errorMessage(error)}); nothing changed.`);
    }
  }
  try {
    await aws(loadBalancer.setWeights(resources, current, change.to));
  } catch (writeError) {
    // AWS may have applied the change even though its answer never arrived: the listener decides.
    const read = await readBack(ctx, resources);
    if ('error' in read) {
      return { outcome: 'unconfirmed', reason: `AWS did not answer the change (${errorMessage(writeError)}) and the listener could not be read back (${read.error})` };
    }
    if (holdsWeights(read.listener, change.to)) {
      return {
        outcome: 'applied',
        before: current.weights,
        after: read.listener.weights,
        note: `AWS's answer to the change was lost (${errorMessage(writeError)}), but the listener read back holds the requested weights: the change is applied.`,
      };
    }
    const shown = read.listener.weights;
    return { outcome: 'failed', error: `the new weights could not be written: ${errorMessage(writeError)}. AWS now shows ${describeWeights(shown)}.`, after: shown };
  }
  const read = await readBack(ctx, resources);
  if ('error' in read) {
    const note = `AWS accepted the change, but reading it back failed (${read.error}); the weights shown are the ones written.`;
    return { outcome: 'applied', before: current.weights, after: change.to, note };
  }
  const shown = read.listener.weights;
  const note = holdsWeights(read.listener, change.to) ? undefined : `AWS reports ${describeWeights(shown)}, not the requested ${describeWeights(change.to)}.`;
  return { outcome: 'applied', before: current.weights, after: shown, ...(note === undefined ? {} : { note }) };
}

export class Applier {
  /** Requests this process is applying now: approved, but not waiting for a re-read. */
  private readonly applying = new Set<string>();
  /** Unconfirmed requests: re-reads so far and when the next is due (epoch ms). */
  private readonly rereads = new Map<string, { attempts: number; dueAt: number }>();

  constructor(
    private readonly ctx: RequestsContext,
    private readonly lock: StageLock,
  ) {}

  /** Applies a request just claimed (call under the stage's lock). */
  async apply(request: SwitchoverRequest): Promise<SettledOutcome> {
    this.applying.add(request.id);
    try {
      return await this.applyClaimed(request);
    } finally {
      this.applying.delete(request.id);
    }
  }

  /**
   * Settles a request an earlier process left approved (the bot stopped while applying) from one read of the
   * listener, never applying it: applied if the listener holds the requested weights, failed if it holds others,
   * still unconfirmed if it cannot be read. The read runs outside the stage's lock.
   */
  async settleByReading(request: SwitchoverRequest, after: 'restart' | 'reread'): Promise<SettledOutcome> {
    if (request.kind === 'forceReconnect') {
      return this.lock.run(request.stage, () =>
        this.whileApproved(request.id, (r) =>
          this.settle(r, { outcome: 'failed', error: 'the bot restarted while restarting the capture proxy; check its deployments in ECS, and request again if it did not restart.' }),
        ),
      );
    }
    const read = await this.readListener(request.stage);
    return this.lock.run(request.stage, () =>
      this.whileApproved(request.id, (r) => {
        if ('error' in read) {
          const reason =
            after === 'restart'
              ? `the bot restarted while applying it, and the listener could not be read (${read.error})`
              : `the listener could still not be read (${read.error})`;
          return this.unconfirmed(r, reason);
        }
        const weights = read.listener.weights;
        if (holdsWeights(read.listener, r.to)) {
          const note =
            after === 'restart'
              ? 'Recorded after the bot restarted while applying: AWS shows the requested weights.'
              : `Confirmed by a later read of the listener: AWS shows the requested weights (its answer to the change was lost: ${r.unconfirmed ?? 'no answer'}).`;
          return this.settle(r, { outcome: 'applied', before: r.from, after: weights, note });
        }
        const error =
          after === 'restart'
            ? `the bot restarted while applying; AWS shows ${describeWeights(weights)}; request again.`
            : `AWS did not confirm the change, and a later read of the listener shows ${describeWeights(weights)}, not the requested ${describeWeights(r.to)}; request again if it is still wanted.`;
        return this.settle(r, { outcome: 'failed', error, after: weights });
      }),
    );
  }

  /** Re-reads the listener of every unconfirmed request whose next read is due; returns those now settled. */
  async rereadDue(): Promise<SettledOutcome[]> {
    const settled: SettledOutcome[] = [];
    const delays = this.ctx.settings.rereadDelaysMs ?? REREAD_DELAYS_MS;
    for (const request of this.ctx.book.withStatus('approved')) {
      if (this.applying.has(request.id)) continue;
      const now = this.ctx.deps.clock.now();
      const schedule = this.rereads.get(request.id) ?? { attempts: 0, dueAt: now };
      if (now < schedule.dueAt) continue;
      const outcome = await this.settleByReading(request, 'reread');
      if (outcome.outcome === 'unconfirmed') {
        const attempts = schedule.attempts + 1;
        this.rereads.set(request.id, { attempts, dueAt: this.ctx.deps.clock.now() + delays[Math.min(attempts, delays.length - 1)]! });
      } else {
        this.rereads.delete(request.id);
        settled.push(outcome);
      }
    }
    return settled;
  }

  private async applyClaimed(request: SwitchoverRequest): Promise<SettledOutcome> {
    let resources: StageResources;
    try {
      resources = await boundedAws(this.ctx, this.ctx.deps.resolver.resolve(request.stage));
    } catch (error) {
      return this.settle(request, { outcome: 'failed', error: `${errorMessage(error)}; nothing changed.` });
    }
    if (request.kind === 'forceReconnect') {
      try {
        await boundedAws(this.ctx, this.ctx.deps.ecs.restartCaptureProxy(resources));
      } catch (error) {
        return this.settle(request, { outcome: 'failed', error: `the capture proxy restart (${resources.captureProxyService}) could not be started: ${errorMessage(error)}.` });
      }
      return this.settle(request, { outcome: 'applied', before: request.from, after: request.from, note: `A rolling restart of ${resources.captureProxyService} has started.` });
    }
    const needsHealthyTarget = request.kind !== 'fallback' && request.to.target > 0;
    return this.settle(request, await writeWeights(this.ctx, resources, { from: request.from, to: request.to, decidedBy: 'the request', needsHealthyTarget }));
  }

  private async readListener(stage: string): Promise<ReadBack> {
    try {
      return readBack(this.ctx, await boundedAws(this.ctx, this.ctx.deps.resolver.resolve(stage)));
    } catch (error) {
      return { error: errorMessage(error) };
    }
  }

  /** Runs `settle` if the request is still being applied; otherwise says what it came to meanwhile. */
  private async whileApproved(id: string, settle: (request: SwitchoverRequest) => Promise<SettledOutcome>): Promise<SettledOutcome> {
    const request = this.ctx.request(id);
    return request.status === 'approved' ? settle(request) : outcomeOf(request);
  }

  private async unconfirmed(request: SwitchoverRequest, reason: string): Promise<SettledOutcome> {
    const text = `${capitalize(reason)}. The change may or may not be in place; the bot re-reads the listener until it can tell, and never applies it again.`;
    // Said (and journaled) once; later failed re-reads change nothing.
    const journalProblem = request.unconfirmed
      ? undefined
      : await this.ctx.appendAfterActing({ type: 'request.unconfirmed', at: this.ctx.nowIso(), stage: request.stage, requestId: request.id, reason: text });
    if (!this.rereads.has(request.id)) {
      const first = (this.ctx.settings.rereadDelaysMs ?? REREAD_DELAYS_MS)[0]!;
      this.rereads.set(request.id, { attempts: 0, dueAt: this.ctx.deps.clock.now() + first });
    }
    return { outcome: 'unconfirmed', request: this.ctx.request(request.id), reason: journalProblem ? `${text} ${journalProblem}` : text };
  }

  /**
   * Journals what the change came to (a record of what AWS already did: the book follows even if the journal
   * fails, and the problem is added to the outcome); an unconfirmed change waits for a re-read.
   */
  private async settle(request: SwitchoverRequest, outcome: WriteOutcome): Promise<SettledOutcome> {
    if (outcome.outcome === 'unconfirmed') return this.unconfirmed(request, outcome.reason);
    const base = { at: this.ctx.nowIso(), stage: request.stage, requestId: request.id };
    const journalProblem = await this.ctx.appendAfterActing(
      outcome.outcome === 'applied'
        ? { ...base, type: 'request.applied', before: { ...outcome.before }, after: { ...outcome.after }, ...(outcome.note === undefined ? {} : { note: outcome.note }) }
        : { ...base, type: 'request.failed', error: outcome.error, ...(outcome.after ? { after: { ...outcome.after } } : {}) },
    );
    this.rereads.delete(request.id);
    const settled = { ...outcome, request: this.ctx.request(request.id) };
    if (!journalProblem) return settled;
    if (settled.outcome === 'failed') return { ...settled, error: `${settled.error} ${journalProblem}` };
    return { ...settled, note: settled.note ? `${settled.note} ${journalProblem}` : journalProblem };
  }
}

/** What a request that is no longer open came to, as an outcome (for a request settled elsewhere meanwhile). */
export function outcomeOf(request: SwitchoverRequest): SettledOutcome {
  switch (request.status) {
    case 'applied':
      return { outcome: 'applied', request, before: request.before ?? request.from, after: request.after ?? request.to, ...(request.note ? { note: request.note } : {}) };
    case 'approved':
      return { outcome: 'unconfirmed', request, reason: request.unconfirmed ?? 'the change is being applied' };
    default:
      return { outcome: 'failed', request, error: request.error ?? `the request was ${request.status}`, ...(request.after ? { after: request.after } : {}) };
  }
}
