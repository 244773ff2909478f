// Applying and settling (issue 12, item 1): an applied change is never reported as failed. When the write gets
// no answer, the listener read back decides; when that read fails too, the request stays "applying, unconfirmed"
// and is re-read with backoff, outside the stage's lock, until a read settles it. A restart settles the same way.
import { ManualClock } from '../../../src/adapters/clock';
import { ApprovalService, type ApprovalSettings } from '../../../src/core/requests/approval-service';
import { holdsWeights } from '../../../src/core/listener';
import type { CreateOutcome } from '../../../src/core/requests/outcomes';
import { FakeCharts, FakeEcs, FakeLoadBalancer, FakeMetrics, FakePeople, FakeResolver, MemoryJournal } from '../../support/fake-ports';
import type { ListenerState, Weights } from '../../../src/core/types';

function listenerState(weights: Weights): ListenerState {
  return { weights, groups: [], weightedToBoth: true, stickiness: { enabled: false }, rules: [], defaultAction: {} };
}

const REQUESTER = 'U0REQUEST';
const APPROVER = 'U0APPROVE';
const SECOND = 1000;

function setup(settings: Partial<ApprovalSettings> = {}, journal = new MemoryJournal(), loadBalancer = new FakeLoadBalancer()) {
  const deps = {
    resolver: new FakeResolver(),
    loadBalancer,
    ecs: new FakeEcs(),
    metrics: new FakeMetrics(),
    charts: new FakeCharts(),
    journal,
    clock: new ManualClock(),
    people: new FakePeople(),
  };
  let ids = 0;
  const service = new ApprovalService(deps, {
    ttlMinutes: 15,
    approvers: [],
    newId: () => `r-${String(++ids).padStart(10, '0')}`,
    awsCallTimeoutMs: 30 * SECOND,
    rereadDelaysMs: [30 * SECOND, 60 * SECOND],
    ...settings,
  });
  return { deps, service };
}

async function requested(service: ApprovalService, percent = 25) {
  const outcome: CreateOutcome = await service.requestShift({ stage: 'dev', percent, requester: REQUESTER, channel: 'C1' });
  if (outcome.outcome !== 'created') throw new Error(outcome.reason);
  return outcome.request;
}

/**
 * A write AWS carries out (or not) but whose answer never arrives (a timeout, or throttling after it applied);
 * with `readsFail`, every listener read fails from then on.
 */
function loseAnswer(lb: FakeLoadBalancer, { applied = true, readsFail = false, error = new Error('TimeoutError: socket timed out') } = {}) {
  return jest.spyOn(lb, 'setWeights').mockImplementation(async (_r, _c, weights) => {
    if (applied) lb.weights = { ...weights };
    if (readsFail) lb.fail.readListener = new Error('ServiceUnavailable');
    throw error;
  });
}

describe('applying when AWS does not answer the write', () => {
  it('is applied when the read-back holds the requested weights, with a note that the answer was lost', async () => {
    const { deps, service } = setup();
    const request = await requested(service);
    loseAnswer(deps.loadBalancer, { error: new Error('Rate exceeded') });
    const outcome = await service.approve({ requestId: request.id, userId: APPROVER });
    expect(outcome).toMatchObject({ outcome: 'applied', after: { source: 75, target: 25 } });
    expect(outcome.outcome === 'applied' && outcome.note).toContain("AWS's answer to the change was lost (Rate exceeded)");
    expect(deps.journal.records.at(-1)).toMatchObject({ type: 'request.applied', after: { source: 75, target: 25 } });
  });

  it('is failed only when the read-back shows other weights', async () => {
    const { deps, service } = setup();
    const request = await requested(service);
    deps.loadBalancer.fail.setWeights = new Error('Throttling: Rate exceeded');
    const outcome = await service.approve({ requestId: request.id, userId: APPROVER });
    expect(outcome).toMatchObject({ outcome: 'failed', after: { source: 1, target: 0 } });
  });

  it('waits for a write that never answers only until its deadline, then settles from the read-back', async () => {
    const { deps, service } = setup();
    const request = await requested(service);
    const lb = deps.loadBalancer;
    jest.spyOn(lb, 'setWeights').mockImplementation(async (_r, _c, weights) => {
      lb.weights = { ...weights };
      return new Promise<void>(() => undefined); // applied, never answered
    });
    const approving = service.approve({ requestId: request.id, userId: APPROVER });
    await deps.clock.advance(30 * SECOND);
    const outcome = await approving;
    expect(outcome).toMatchObject({ outcome: 'applied', after: { source: 75, target: 25 } });
    expect(outcome.outcome === 'applied' && outcome.note).toContain('no answer within 30 s');
  });

  it('stays applying, unconfirmed, when the read-back fails too; re-reads with backoff; a later read settles it applied', async () => {
    const { deps, service } = setup();
    const request = await requested(service);
    const lb = deps.loadBalancer;
    const writes = loseAnswer(lb, { readsFail: true });
    const outcome = await service.approve({ requestId: request.id, userId: APPROVER });
    expect(outcome).toMatchObject({ outcome: 'unconfirmed', request: { status: 'approved' } });
    expect(outcome.outcome === 'unconfirmed' && outcome.reason).toContain('the listener could not be read back (ServiceUnavailable)');
    expect(service.get(request.id)!.unconfirmed).toContain('re-reads the listener');
    expect(deps.journal.records.at(-1)).toMatchObject({ type: 'request.unconfirmed', requestId: request.id });
    // The stage is not free: nothing else is applied over an unknown state, and the request cannot be cancelled.
    expect((await service.cancel({ stage: 'dev', userId: REQUESTER })).outcome).toBe('refused');

    // Not due yet; then due, but the read fails again: still unconfirmed, journaled once, next read later.
    expect(await service.rereadUnconfirmed()).toEqual([]);
    await deps.clock.advance(30 * SECOND);
    expect(await service.rereadUnconfirmed()).toEqual([]);
    expect(deps.journal.records.filter((r) => r.type === 'request.unconfirmed')).toHaveLength(1);
    const reads = lb.calls.filter((c) => c === 'readListener').length;
    await deps.clock.advance(30 * SECOND);
    expect(await service.rereadUnconfirmed()).toEqual([]);
    expect(lb.calls.filter((c) => c === 'readListener').length).toBe(reads); // backoff: 60 s now

    delete lb.fail.readListener;
    await deps.clock.advance(30 * SECOND);
    const [settled] = await service.rereadUnconfirmed();
    expect(settled).toMatchObject({ outcome: 'applied', after: { source: 75, target: 25 }, request: { status: 'applied' } });
    expect(writes).toHaveBeenCalledTimes(1); // never applied again
  });

  it('settles an unconfirmed request failed when a later read shows other weights', async () => {
    const { deps, service } = setup();
    const request = await requested(service);
    const lb = deps.loadBalancer;
    loseAnswer(lb, { applied: false, readsFail: true });
    expect((await service.approve({ requestId: request.id, userId: APPROVER })).outcome).toBe('unconfirmed');
    delete lb.fail.readListener;
    await deps.clock.advance(30 * SECOND);
    const [settled] = await service.rereadUnconfirmed();
    expect(settled).toMatchObject({ outcome: 'failed', after: { source: 1, target: 0 } });
    expect(settled!.outcome === 'failed' && settled!.error).toContain('not the requested source 75 / target 25');
  });

  it('does not hold the stage lock while a re-read waits on AWS: a request of another kind is answered meanwhile', async () => {
    const { deps, service } = setup();
    const request = await requested(service);
    const lb = deps.loadBalancer;
    loseAnswer(lb, { applied: false, readsFail: true });
    await service.approve({ requestId: request.id, userId: APPROVER });
    delete lb.fail.readListener;
    let release!: () => void;
    jest.spyOn(lb, 'readListener').mockImplementationOnce(() => new Promise((resolve) => {
      release = () => resolve({ ...listenerState({ source: 1, target: 0 }) });
    }));
    await deps.clock.advance(30 * SECOND);
    const rereading = service.rereadUnconfirmed();
    // The stage's lock is free: a new request is refused at once (the stage still has one in progress), not queued.
    const other = await service.requestFallback({ stage: 'dev', requester: REQUESTER, channel: 'C1' });
    expect(other).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('already has an open request') });
    release();
    expect(await rereading).toHaveLength(1);
  });
});

describe('settling at restart', () => {
  it('one failed read never settles an interrupted apply as failed: it stays unconfirmed until a read settles it', async () => {
    const journal = new MemoryJournal();
    const first = setup({}, journal);
    const request = await requested(first.service);
    // The bot stops between the claim and the write's answer (AWS applied it).
    const writes = jest.spyOn(first.deps.loadBalancer, 'setWeights').mockImplementation(async (_r, _c, weights) => {
      first.deps.loadBalancer.weights = { ...weights };
      await new Promise(() => undefined);
    });
    void first.service.approve({ requestId: request.id, userId: APPROVER });
    await new Promise((r) => setImmediate(r));

    const lb = first.deps.loadBalancer;
    lb.fail.readListener = new Error('ServiceUnavailable');
    const second = setup({}, journal, lb);
    const report = await second.service.load();
    expect(report.recovered).toEqual([expect.objectContaining({ outcome: 'unconfirmed' })]);
    expect(second.service.get(request.id)!.status).toBe('approved');

    delete lb.fail.readListener;
    await second.deps.clock.advance(30 * SECOND);
    const [settled] = await second.service.rereadUnconfirmed();
    expect(settled).toMatchObject({ outcome: 'applied', after: { source: 75, target: 25 } });
    expect(writes).toHaveBeenCalledTimes(1);
  });
});

describe('the read-back (holdsWeights)', () => {
  it('compares the weights read back with the requested ones', () => {
    const to = { source: 75, target: 25 };
    expect(holdsWeights({ weights: { source: 75, target: 25 }, groups: [] }, to)).toBe(true);
    expect(holdsWeights({ weights: { source: 3, target: 1 }, groups: [] }, to)).toBe(false);
    const third = { arn: 'arn:tg/blue', name: 'blue', role: 'other' as const, weight: 5 };
    expect(holdsWeights({ weights: to, groups: [third] }, to)).toBe(false);
    expect(holdsWeights({ weights: to, groups: [{ ...third, weight: 0 }] }, to)).toBe(true);
  });
});
