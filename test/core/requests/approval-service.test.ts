import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JsonlJournal } from '../../../src/adapters/journal/jsonl-journal';
import { ApprovalService, type ApprovalSettings } from '../../../src/core/requests/approval-service';
import type { ApproveOutcome, CreateOutcome } from '../../../src/core/requests/outcomes';
import type { JournalRecord } from '../../../src/core/journal';
import type { ListenerState, StageResources, Weights } from '../../../src/core/types';
import { ManualClock } from '../../../src/adapters/clock';
import {
  FakeCharts,
  FakeEcs,
  FakeLoadBalancer,
  FakeMetrics,
  FakePeople,
  FakeResolver,
  MemoryJournal,
} from '../../support/fake-ports';

const MINUTE = 60_000;
const REQUESTER = 'U0REQUEST';
const APPROVER = 'U0APPROVE';
const OTHER = 'U0OTHER';
const CHANNEL = 'C0CHANNEL';

/** The port fakes with their concrete types, so tests can steer them. */
function testDeps(overrides: { journal?: MemoryJournal; loadBalancer?: FakeLoadBalancer; people?: FakePeople } = {}) {
  return {
    resolver: new FakeResolver(),
    loadBalancer: overrides.loadBalancer ?? new FakeLoadBalancer(),
    ecs: new FakeEcs(),
    metrics: new FakeMetrics(),
    charts: new FakeCharts(),
    journal: overrides.journal ?? new MemoryJournal(),
    clock: new ManualClock(),
    people: overrides.people ?? new FakePeople(),
  };
}

let ids = 0;
function settingsWith(settings: Partial<ApprovalSettings> = {}): ApprovalSettings {
  return { ttlMinutes: 15, approvers: [], newId: () => `r-${String(++ids).padStart(10, '0')}`, ...settings };
}

function setup(settings: Partial<ApprovalSettings> = {}, deps = testDeps()) {
  return { deps, service: new ApprovalService(deps, settingsWith(settings)) };
}

function created(outcome: CreateOutcome) {
  if (outcome.outcome !== 'created') throw new Error(`expected created, got: ${outcome.reason}`);
  return outcome;
}

function types(journal: MemoryJournal): string[] {
  return journal.records.map((r) => r.type);
}

async function shift(service: ApprovalService, percent = 25, stage = 'dev') {
  return created(await service.requestShift({ stage, percent, requester: REQUESTER, channel: CHANNEL }));
}

describe('ApprovalService: requests', () => {
  it('creates a shift request with a preview of the listener, both groups and the proxies, recorded before it is returned', async () => {
    const { deps, service } = setup();
    deps.ecs.target = { ...deps.ecs.target, desired: 2, running: 2, pending: 0 };
    const { request, preview } = await shift(service, 25);

    expect(request).toMatchObject({
      kind: 'shift',
      stage: 'dev',
      requester: REQUESTER,
      channel: CHANNEL,
      from: { source: 1, target: 0 },
      to: { source: 75, target: 25 },
      percent: 25,
      status: 'open',
      createdAt: deps.clock.now(),
      expiresAt: deps.clock.now() + 15 * MINUTE,
    });
    expect(request.id).toMatch(/^r-/);
    // What the change is (from, to, who, until when) is the request's; the preview is what was read beside it.
    expect(preview).toMatchObject({
      currentText: 'source 1 / target 0 (all new traffic to the source proxy)',
      sourceGroup: 'ALBSourceProxy-dev-TG',
      targetGroup: 'ALBTargetProxy-dev-TG',
      sourceHealth: { total: 1, healthy: 1 },
      targetHealth: { total: 1, healthy: 1 },
      captureProxy: { desired: 2, running: 2 },
      targetProxy: { desired: 2, running: 2 },
      notes: [],
    });
    expect(deps.journal.records).toEqual([
      expect.objectContaining({ type: 'request.created', requestId: request.id, from: { source: 1, target: 0 }, to: { source: 75, target: 25 } }),
    ]);
    expect(deps.loadBalancer.writes).toEqual([]);
    expect(service.openRequest('dev')?.id).toBe(request.id);
  });

  it('refuses a shift while the target proxy group has no healthy target, before any approval is asked', async () => {
    const { deps, service } = setup();
    deps.loadBalancer.health.target = [
      { id: '10.0.1.1', port: 9200, state: 'unhealthy', reason: 'Target.FailedHealthChecks' },
      { id: '10.0.1.2', port: 9200, state: 'draining' },
    ];
    const outcome = await service.requestShift({ stage: 'dev', percent: 10, requester: REQUESTER, channel: CHANNEL });
    expect(outcome.outcome).toBe('refused');
    if (outcome.outcome !== 'refused') return;
    expect(outcome.reason).toContain('ALBTargetProxy-dev-TG has no healthy target');
    expect(outcome.reason).toContain('10.0.1.1:9200 unhealthy (Target.FailedHealthChecks)');
    expect(outcome.reason).toContain('Nothing was requested');
    expect(deps.journal.records).toEqual([]);
  });

  it('refuses a shift when the target proxy group health cannot be read', async () => {
    const { deps, service } = setup();
    deps.loadBalancer.fail.targetHealth = new Error('Throttling: Rate exceeded');
    const outcome = await service.requestShift({ stage: 'dev', percent: 10, requester: REQUESTER, channel: CHANNEL });
    expect(outcome).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('Throttling: Rate exceeded') });
    expect(deps.journal.records).toEqual([]);
  });

  it('allows one open request per stage, and the refusal names the open one', async () => {
    const { deps, service } = setup();
    deps.resolver.stages.push('gamma');
    const first = await shift(service, 25);
    const second = await service.requestFallback({ stage: 'dev', requester: OTHER, channel: CHANNEL });
    expect(second.outcome).toBe('refused');
    if (second.outcome !== 'refused') return;
    expect(second.openRequest?.id).toBe(first.request.id);
    expect(second.reason).toContain(first.request.id);
    expect(second.reason).toContain(`<@${REQUESTER}>`);
    expect(second.reason).toContain('shift 25% of new traffic to the target proxy');
    expect(second.reason).toContain('expires 2026-01-01 12:15 UTC');
    expect(second.reason).toContain('/switchover cancel dev');
    // Another stage is independent.
    await shift(service, 10, 'gamma');
  });

  it('lets only one of two simultaneous requests for a stage through', async () => {
    const { deps, service } = setup();
    const outcomes = await Promise.all([
      service.requestShift({ stage: 'dev', percent: 10, requester: REQUESTER, channel: CHANNEL }),
      service.requestShift({ stage: 'dev', percent: 50, requester: OTHER, channel: CHANNEL }),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['created', 'refused']);
    expect(types(deps.journal)).toEqual(['request.created']);
  });

  it('refuses a change to weights the listener already has', async () => {
    const { service } = setup();
    const fallback = await service.requestFallback({ stage: 'dev', requester: REQUESTER, channel: CHANNEL });
    expect(fallback).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('already has source 1 / target 0') });
    const zero = await service.requestShift({ stage: 'dev', percent: 0, requester: REQUESTER, channel: CHANNEL });
    expect(zero.outcome).toBe('refused');
  });

  it('refuses a percentage that is not a whole number from 0 to 100, and an unknown stage', async () => {
    const { service } = setup();
    for (const percent of [-1, 101, 12.5, Number.NaN]) {
      const outcome = await service.requestShift({ stage: 'dev', percent, requester: REQUESTER, channel: CHANNEL });
      expect(outcome).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('whole number from 0 to 100') });
    }
    const unknown = await service.requestShift({ stage: 'nope', percent: 10, requester: REQUESTER, channel: CHANNEL });
    expect(unknown).toMatchObject({ outcome: 'refused', reason: 'stage nope not found. Nothing was requested.' });
  });

  it('refuses plainly when the listener cannot be read', async () => {
    const { deps, service } = setup();
    deps.loadBalancer.fail.readListener = new Error('AccessDenied: not authorized to DescribeListeners');
    const outcome = await service.requestShift({ stage: 'dev', percent: 10, requester: REQUESTER, channel: CHANNEL });
    expect(outcome).toMatchObject({
      outcome: 'refused',
      reason: 'Could not read the switchover listener of dev: AccessDenied: not authorized to DescribeListeners. Nothing was requested.',
    });
  });

  it('records where the request message was posted', async () => {
    const { deps, service } = setup();
    const { request } = await shift(service);
    await service.recordPosted(request.id, CHANNEL, '1700000000.000100');
    expect(service.get(request.id)?.messageTs).toBe('1700000000.000100');
    expect(deps.journal.records[1]).toMatchObject({ type: 'request.posted', requestId: request.id, messageTs: '1700000000.000100' });
  });
});

describe('ApprovalService: fallback', () => {
  it('goes out and applies with CloudWatch, the chart service, target health and ECS all down: one read, one write', async () => {
    const { deps, service } = setup();
    deps.loadBalancer.weights = { source: 50, target: 50 };
    const metrics = jest.spyOn(deps.metrics, 'snapshot').mockRejectedValue(new Error('CloudWatch unreachable'));
    deps.charts.down = true;
    deps.loadBalancer.fail.targetHealth = new Error('ELB DescribeTargetHealth timed out');
    jest.spyOn(deps.ecs, 'describeProxies').mockRejectedValue(new Error('ECS unreachable'));

    const { request, preview } = created(await service.requestFallback({ stage: 'dev', requester: REQUESTER, channel: CHANNEL }));
    expect(request).toMatchObject({ kind: 'fallback', percent: 0, from: { source: 50, target: 50 }, to: { source: 100, target: 0 } });
    expect(preview.sourceHealth).toBeNull();
    expect(preview.targetHealth).toBeNull();
    expect(preview.targetProxy).toBeNull();
    expect(preview.notes).toEqual([
      'Health of ALBSourceProxy-dev-TG is unknown: ELB DescribeTargetHealth timed out.',
      'Health of ALBTargetProxy-dev-TG is unknown: ELB DescribeTargetHealth timed out.',
      'ECS task counts are unknown: ECS unreachable.',
    ]);

    deps.loadBalancer.calls = [];
    const outcome = await service.approve({ requestId: request.id, userId: APPROVER });
    expect(outcome).toMatchObject({ outcome: 'applied', before: { source: 50, target: 50 }, after: { source: 100, target: 0 } });
    // Re-read, one write, read back: nothing else.
    expect(deps.loadBalancer.calls).toEqual(['readListener', 'setWeights', 'readListener']);
    expect(deps.loadBalancer.writes).toEqual([{ source: 100, target: 0 }]);
    expect(metrics).not.toHaveBeenCalled();
    expect(deps.charts.rendered).toEqual([]);
  });

  it('does not wait for a read that hangs: the preview says it is unknown after the timeout', async () => {
    const { deps, service } = setup({ optionalReadTimeoutMs: 10_000 });
    deps.loadBalancer.weights = { source: 0, target: 1 };
    jest.spyOn(deps.ecs, 'describeProxies').mockReturnValue(new Promise(() => undefined));
    const pending = service.requestFallback({ stage: 'dev', requester: REQUESTER, channel: CHANNEL });
    await deps.clock.advance(10_000);
    const { preview } = created(await pending);
    expect(preview.targetProxy).toBeNull();
    expect(preview.notes).toContain('ECS task counts are unknown: no answer within 10 s.');
    expect(preview.targetHealth).not.toBeNull();
    expect(deps.clock.pending).toBe(0);
  });

  it('gives up on a listener read that hangs at request time, saying so, and frees the stage for the next command', async () => {
    const { deps, service } = setup({ awsCallTimeoutMs: 30_000 });
    const hung = jest.spyOn(deps.loadBalancer, 'readListener').mockReturnValueOnce(new Promise(() => undefined));
    const pending = service.requestShift({ stage: 'dev', percent: 10, requester: REQUESTER, channel: CHANNEL });
    await deps.clock.advance(30_000);
    expect(await pending).toMatchObject({ outcome: 'refused', reason: 'Could not read the switchover listener of dev: no answer within 30 s. Nothing was requested.' });
    hung.mockRestore();
    created(await service.requestShift({ stage: 'dev', percent: 10, requester: REQUESTER, channel: CHANNEL }));
  });

  it('gives up on a stage lookup that hangs at request time, saying so', async () => {
    const { deps, service } = setup({ awsCallTimeoutMs: 30_000 });
    jest.spyOn(deps.resolver, 'resolve').mockReturnValueOnce(new Promise(() => undefined));
    const pending = service.requestShift({ stage: 'dev', percent: 10, requester: REQUESTER, channel: CHANNEL });
    await deps.clock.advance(30_000);
    expect(await pending).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('Nothing was requested') });
  });
});

describe('ApprovalService: approval', () => {
  it('applies on approval by someone else: re-read, one write keeping the rest of the action, read back, all recorded', async () => {
    const { deps, service } = setup();
    const { request } = await shift(service, 25);
    const setWeights = jest.spyOn(deps.loadBalancer, 'setWeights');
    deps.loadBalancer.calls = [];
    await deps.clock.advance(3 * MINUTE);

    const outcome = await service.approve({ requestId: request.id, userId: APPROVER });
    expect(outcome).toMatchObject({ outcome: 'applied', before: { source: 1, target: 0 }, after: { source: 75, target: 25 } });
    expect(outcome.outcome === 'applied' && outcome.note).toBeFalsy();
    expect(deps.loadBalancer.calls).toEqual(['readListener', 'targetHealth', 'setWeights', 'readListener']);
    // The listener state handed to the write is the one just re-read (its default action is kept).
    const current = setWeights.mock.calls[0]![1] as ListenerState;
    expect(current.weights).toEqual({ source: 1, target: 0 });
    expect(types(deps.journal)).toEqual(['request.created', 'request.approved', 'request.applied']);
    expect(deps.journal.records[1]).toMatchObject({ approver: APPROVER, at: '2026-01-01T12:03:00.000Z' });
    expect(deps.journal.records[2]).toMatchObject({ before: { source: 1, target: 0 }, after: { source: 75, target: 25 } });
    expect(service.get(request.id)).toMatchObject({ status: 'applied', approver: APPROVER, before: { source: 1, target: 0 }, after: { source: 75, target: 25 } });
    expect(service.openRequest('dev')).toBeUndefined();
    expect(service.lastApplied('dev')?.id).toBe(request.id);
  });

  it('records the approval durably before the AWS write', async () => {
    const { deps, service } = setup();
    const { request } = await shift(service);
    let recordedBeforeWrite: string[] = [];
    jest.spyOn(deps.loadBalancer, 'setWeights').mockImplementation(async (_r: StageResources, _c: ListenerState, w: Weights) => {
      recordedBeforeWrite = types(deps.journal);
      deps.loadBalancer.weights = { ...w };
    });
    await service.approve({ requestId: request.id, userId: APPROVER });
    expect(recordedBeforeWrite).toEqual(['request.created', 'request.approved']);
  });

  it("refuses the requester's own approval and leaves the request open", async () => {
    const { deps, service } = setup();
    const { request } = await shift(service);
    const outcome = await service.approve({ requestId: request.id, userId: REQUESTER });
    expect(outcome).toMatchObject({ outcome: 'refused', requestStaysOpen: true, reason: expect.stringContaining('someone else must approve it') });
    expect(deps.loadBalancer.writes).toEqual([]);
    expect(service.get(request.id)?.status).toBe('open');
    expect(await service.canApprove({ requestId: request.id, userId: REQUESTER })).toMatchObject({ outcome: 'refused' });
  });

  it('with an approver list, refuses anyone not on it and accepts a member of a listed user group', async () => {
    const deps = testDeps({ people: new FakePeople({ S0ONCALL: ['U0GROUPIE'] }) });
    const { service } = setup({ approvers: ['U0LEAD', 'S0ONCALL'] }, deps);
    const { request } = await shift(service);

    const outsider = await service.approve({ requestId: request.id, userId: OTHER });
    expect(outsider).toMatchObject({
      outcome: 'refused',
      requestStaysOpen: true,
      reason: 'Only the approvers (<@U0LEAD>, <!subteam^S0ONCALL>) may approve this change. The request stays open.',
    });
    expect(await service.canApprove({ requestId: request.id, userId: OTHER })).toMatchObject({ outcome: 'refused' });
    expect(await service.canApprove({ requestId: request.id, userId: 'U0GROUPIE' })).toMatchObject({ outcome: 'eligible' });
    expect(deps.loadBalancer.writes).toEqual([]);

    const member = await service.approve({ requestId: request.id, userId: 'U0GROUPIE' });
    expect(member.outcome).toBe('applied');
  });

  it('keeps the request open when the approver list cannot be checked', async () => {
    const deps = testDeps();
    jest.spyOn(deps.people, 'isListed').mockRejectedValue(new Error('usergroups.users.list: ratelimited'));
    const { service } = setup({ approvers: ['S0ONCALL'] }, deps);
    const { request } = await shift(service);
    const outcome = await service.approve({ requestId: request.id, userId: OTHER });
    expect(outcome).toMatchObject({ outcome: 'refused', requestStaysOpen: true, reason: expect.stringContaining('ratelimited') });
    expect(service.get(request.id)?.status).toBe('open');
  });

  it('applies exactly once under concurrent approvals, double clicks and retries', async () => {
    const { deps, service } = setup();
    const { request } = await shift(service);
    const setWeights = jest.spyOn(deps.loadBalancer, 'setWeights');
    const outcomes = await Promise.all([
      service.approve({ requestId: request.id, userId: APPROVER }),
      service.approve({ requestId: request.id, userId: OTHER }),
      service.approve({ requestId: request.id, userId: APPROVER }),
      service.approve({ requestId: request.id, userId: APPROVER }),
    ]);
    expect(setWeights).toHaveBeenCalledTimes(1);
    expect(outcomes.filter((o) => o.outcome === 'applied')).toHaveLength(1);
    const refusals = outcomes.filter((o): o is Extract<ApproveOutcome, { outcome: 'refused' }> => o.outcome === 'refused');
    expect(refusals).toHaveLength(3);
    for (const r of refusals) {
      expect(r.requestStaysOpen).toBe(false);
      expect(r.reason).toMatch(/is no longer open: applied: approved by <@U0APPROVE> at 2026-01-01 12:00 UTC/);
    }
    expect(types(deps.journal).filter((t) => t === 'request.approved')).toHaveLength(1);
  });

  it('refuses and changes nothing when the weights changed behind the bot\'s back', async () => {
    const { deps, service } = setup();
    const { request } = await shift(service, 25);
    deps.loadBalancer.weights = { source: 50, target: 50 }; // someone edited the rule in the console
    const outcome = await service.approve({ requestId: request.id, userId: APPROVER });
    expect(outcome).toMatchObject({
      outcome: 'failed',
      error:
        'the weights changed since the request (now source 50 / target 50 (50% of new traffic to the target proxy), ' +
        'requested from source 1 / target 0 (all new traffic to the source proxy)); nothing changed. Request again if the change is still wanted.',
      after: { source: 50, target: 50 },
    });
    expect(deps.loadBalancer.writes).toEqual([]);
    expect(service.get(request.id)).toMatchObject({ status: 'failed', approver: APPROVER });
    expect(types(deps.journal)).toEqual(['request.created', 'request.approved', 'request.failed']);
  });

  it('refuses to shift at approval time if the target proxy group lost its healthy targets since the request', async () => {
    const { deps, service } = setup();
    const { request } = await shift(service, 25);
    deps.loadBalancer.health.target = [{ id: '10.0.1.1', port: 9200, state: 'draining' }];
    const outcome = await service.approve({ requestId: request.id, userId: APPROVER });
    expect(outcome).toMatchObject({ outcome: 'failed', error: expect.stringContaining('has no healthy target now') });
    expect(deps.loadBalancer.writes).toEqual([]);
  });

  it('reports what AWS has when the write fails', async () => {
    const { deps, service } = setup();
    const { request } = await shift(service, 25);
    deps.loadBalancer.fail.setWeights = new Error('ValidationError: TargetGroup weight out of range');
    const outcome = await service.approve({ requestId: request.id, userId: APPROVER });
    expect(outcome).toMatchObject({
      outcome: 'failed',
      error:
        'the new weights could not be written: ValidationError: TargetGroup weight out of range. ' +
        'AWS now shows source 1 / target 0 (all new traffic to the source proxy).',
      after: { source: 1, target: 0 },
    });
    expect(deps.journal.records.at(-1)).toMatchObject({ type: 'request.failed', after: { source: 1, target: 0 } });
    // Failed is final: another click applies nothing.
    delete deps.loadBalancer.fail.setWeights;
    expect((await service.approve({ requestId: request.id, userId: OTHER })).outcome).toBe('refused');
    expect(deps.loadBalancer.writes).toEqual([]);
  });

  it('leaves the request applying, unconfirmed, when the write fails and the weights cannot be read back either', async () => {
    const { deps, service } = setup();
    const { request } = await shift(service, 25);
    const lb = deps.loadBalancer;
    jest.spyOn(lb, 'setWeights').mockImplementation(async () => {
      lb.fail.readListener = new Error('connect ETIMEDOUT');
      throw new Error('socket hang up');
    });
    const outcome = await service.approve({ requestId: request.id, userId: APPROVER });
    expect(outcome).toMatchObject({
      outcome: 'unconfirmed',
      reason: expect.stringContaining('AWS did not answer the change (socket hang up) and the listener could not be read back (connect ETIMEDOUT).'),
      request: { status: 'approved' },
    });
  });

  it('says so when the read-back differs from the request', async () => {
    const { deps, service } = setup();
    const { request } = await shift(service, 25);
    const lb = deps.loadBalancer;
    jest.spyOn(lb, 'setWeights').mockImplementation(async () => {
      lb.weights = { source: 70, target: 30 };
    });
    const outcome = await service.approve({ requestId: request.id, userId: APPROVER });
    expect(outcome).toMatchObject({
      outcome: 'applied',
      after: { source: 70, target: 30 },
      note: expect.stringContaining('AWS reports source 70 / target 30'),
    });
    expect(service.get(request.id)).toMatchObject({ after: { source: 70, target: 30 }, note: expect.stringContaining('not the requested') });
  });

  it('refuses an approval that could not be recorded, and changes nothing', async () => {
    const { deps, service } = setup();
    const { request } = await shift(service);
    jest.spyOn(deps.journal, 'append').mockRejectedValueOnce(new Error('ENOSPC: no space left on device'));
    const outcome = await service.approve({ requestId: request.id, userId: APPROVER });
    expect(outcome).toMatchObject({ outcome: 'refused', requestStaysOpen: true, reason: expect.stringContaining('ENOSPC') });
    expect(deps.loadBalancer.writes).toEqual([]);
    expect(service.get(request.id)?.status).toBe('open');
  });

  it('answers a click on an unknown request plainly', async () => {
    const { service } = setup();
    expect(await service.approve({ requestId: 'r-doesnotexi', userId: APPROVER })).toMatchObject({
      outcome: 'refused',
      reason: expect.stringContaining('There is no request r-doesnotexi'),
    });
  });

  it('applies a force reconnect by restarting the capture proxy, weights untouched', async () => {
    const { deps, service } = setup();
    deps.loadBalancer.weights = { source: 0, target: 1 };
    const { request } = created(await service.requestForceReconnect({ stage: 'dev', requester: REQUESTER, channel: CHANNEL }));
    expect(request).toMatchObject({ kind: 'forceReconnect', from: { source: 0, target: 1 }, to: { source: 0, target: 1 } });
    const outcome = await service.approve({ requestId: request.id, userId: APPROVER });
    expect(outcome).toMatchObject({ outcome: 'applied', before: { source: 0, target: 1 }, after: { source: 0, target: 1 } });
    expect(deps.ecs.calls).toContain('restartCaptureProxy');
    expect(deps.loadBalancer.writes).toEqual([]);
  });
});

describe('ApprovalService: expiry, reject, cancel', () => {
  it('refuses a click on an expired request, records the expiry and shows it as expired', async () => {
    const { deps, service } = setup();
    const { request } = await shift(service);
    await deps.clock.advance(15 * MINUTE);
    const outcome = await service.approve({ requestId: request.id, userId: APPROVER });
    expect(outcome).toMatchObject({
      outcome: 'refused',
      requestStaysOpen: false,
      reason: expect.stringContaining('expired at 2026-01-01 12:15 UTC without approval; nothing changed'),
      request: { id: request.id, status: 'expired' },
    });
    expect(types(deps.journal)).toEqual(['request.created', 'request.expired']);
    expect(deps.loadBalancer.writes).toEqual([]);
  });

  it('expires due requests in one sweep and frees the stage for a new request', async () => {
    const { deps, service } = setup({ ttlMinutes: 5 });
    deps.resolver.stages.push('gamma');
    const dev = await shift(service, 10, 'dev');
    await deps.clock.advance(3 * MINUTE);
    const gamma = await shift(service, 10, 'gamma');
    await deps.clock.advance(2 * MINUTE);
    expect((await service.expireDue()).map((r) => r.id)).toEqual([dev.request.id]);
    expect(await service.expireDue()).toEqual([]);
    expect(service.pending().map((r) => r.id)).toEqual([gamma.request.id]);
    await shift(service, 20, 'dev');
  });

  it('lets a new request replace one that expired without a sweep', async () => {
    const { deps, service } = setup();
    const first = await shift(service, 10);
    await deps.clock.advance(16 * MINUTE);
    const second = await shift(service, 20);
    expect(service.get(first.request.id)?.status).toBe('expired');
    expect(service.openRequest('dev')?.id).toBe(second.request.id);
  });

  it('hands a request that a new request or a cancel expired on the way to the next sweep, so its message is updated', async () => {
    const { deps, service } = setup();
    deps.resolver.stages.push('gamma');
    const first = await shift(service, 10);
    await deps.clock.advance(16 * MINUTE);
    const second = await shift(service, 20);
    expect((await service.expireDue()).map((r) => [r.id, r.status])).toEqual([[first.request.id, 'expired']]);
    expect(await service.expireDue()).toEqual([]);

    const third = await shift(service, 10, 'gamma');
    await deps.clock.advance(16 * MINUTE);
    await service.cancel({ stage: 'gamma', userId: REQUESTER });
    // dev's second request came due meanwhile and is expired by the sweep itself.
    expect((await service.expireDue()).map((r) => r.id)).toEqual([third.request.id, second.request.id]);
  });

  it('lets the requester or an approver reject, and refuses anyone else', async () => {
    const { deps, service } = setup({ approvers: ['U0LEAD'] });
    const { request } = await shift(service);
    expect(await service.reject({ requestId: request.id, userId: OTHER })).toMatchObject({ outcome: 'refused', requestStaysOpen: true });
    const rejected = await service.reject({ requestId: request.id, userId: 'U0LEAD' });
    expect(rejected).toMatchObject({ outcome: 'rejected', request: { status: 'rejected', closedBy: 'U0LEAD' } });
    const late = await service.approve({ requestId: request.id, userId: 'U0LEAD' });
    expect(late).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('rejected by <@U0LEAD> at 2026-01-01 12:00 UTC') });
    expect(deps.loadBalancer.writes).toEqual([]);

    const again = await shift(service);
    expect(await service.reject({ requestId: again.request.id, userId: REQUESTER })).toMatchObject({ outcome: 'rejected' });
  });

  it('cancels the stage\'s open request and says when there is none', async () => {
    const { deps, service } = setup();
    expect(await service.cancel({ stage: 'dev', userId: REQUESTER })).toMatchObject({
      outcome: 'refused',
      reason: 'dev has no open request or running plan to cancel.',
    });
    const { request } = await shift(service);
    const outcome = await service.cancel({ stage: 'dev', userId: REQUESTER });
    expect(outcome).toMatchObject({ outcome: 'cancelled', request: { id: request.id, status: 'cancelled', closedBy: REQUESTER } });
    expect(types(deps.journal)).toEqual(['request.created', 'request.cancelled']);
    expect(service.openRequest('dev')).toBeUndefined();
  });
});

describe('ApprovalService: restarts', () => {
  it('rebuilds requests from the journal: a request made before a restart can be approved after it', async () => {
    const journal = new MemoryJournal();
    const lb = new FakeLoadBalancer();
    const before = setup({}, testDeps({ journal, loadBalancer: lb }));
    const { request } = await shift(before.service, 40);
    await before.service.recordPosted(request.id, CHANNEL, '1700000000.000200');

    const after = setup({}, testDeps({ journal, loadBalancer: lb }));
    const report = await after.service.load();
    expect(report).toEqual({ requests: 1, recovered: [] });
    expect(after.service.openRequest('dev')).toMatchObject({ id: request.id, messageTs: '1700000000.000200' });
    expect(await after.service.approve({ requestId: request.id, userId: REQUESTER })).toMatchObject({ outcome: 'refused' });
    expect(await after.service.approve({ requestId: request.id, userId: APPROVER })).toMatchObject({
      outcome: 'applied',
      after: { source: 60, target: 40 },
    });
  });

  it('does the same over the durable JSONL journal, across a real close and reopen of the file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'approval-restart-'));
    try {
      const lb = new FakeLoadBalancer();
      const first = new JsonlJournal(dir, { warn: () => undefined });
      const before = new ApprovalService({ ...testDeps({ loadBalancer: lb }), journal: first }, settingsWith());
      const { request } = await shift(before, 40);
      await first.close();

      const second = new JsonlJournal(dir, { warn: () => undefined });
      const after = new ApprovalService({ ...testDeps({ loadBalancer: lb }), journal: second }, settingsWith());
      await after.load();
      expect(await after.approve({ requestId: request.id, userId: APPROVER })).toMatchObject({ outcome: 'applied' });
      expect((await second.readAll()).map((r) => r.type)).toEqual(['request.created', 'request.approved', 'request.applied']);
      await second.close();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  function interrupted(to: Weights, kind: 'shift' | 'forceReconnect' = 'shift'): JournalRecord[] {
    return [
      {
        type: 'request.created',
        at: '2026-01-01T11:55:00.000Z',
        stage: 'dev',
        requestId: 'r-0000000abc',
        kind,
        requester: REQUESTER,
        channel: CHANNEL,
        from: { source: 1, target: 0 },
        to,
        percent: to.target,
        expiresAt: '2026-01-01T12:10:00.000Z',
      },
      { type: 'request.approved', at: '2026-01-01T11:58:00.000Z', stage: 'dev', requestId: 'r-0000000abc', approver: APPROVER },
    ];
  }

  it('settles a request the bot was applying when it crashed as applied when AWS holds the proposed weights, never re-applying it', async () => {
    const { deps, service } = setup();
    deps.journal.records = interrupted({ source: 90, target: 10 });
    deps.loadBalancer.weights = { source: 90, target: 10 };
    const report = await service.load();
    expect(report.recovered).toEqual([
      expect.objectContaining({ outcome: 'applied', request: expect.objectContaining({ id: 'r-0000000abc', status: 'applied', after: { source: 90, target: 10 } }) }),
    ]);
    expect(deps.loadBalancer.writes).toEqual([]);
    expect(deps.journal.records.at(-1)).toMatchObject({ type: 'request.applied', note: expect.stringContaining('restarted') });
    expect(service.openRequest('dev')).toBeUndefined();
  });

  it('settles it as failed, naming what AWS shows, when the change did not happen', async () => {
    const { deps, service } = setup();
    deps.journal.records = interrupted({ source: 90, target: 10 });
    const report = await service.load();
    expect(report.recovered).toEqual([
      expect.objectContaining({
        outcome: 'failed',
        error: 'the bot restarted while applying; AWS shows source 1 / target 0 (all new traffic to the source proxy); request again.',
        request: expect.objectContaining({ status: 'failed' }),
      }),
    ]);
    expect(deps.loadBalancer.writes).toEqual([]);
    // The stage is free again.
    await shift(service, 10);
  });

  it('never settles it as failed because AWS cannot be read at start: it stays applying, unconfirmed; an interrupted capture proxy restart fails', async () => {
    const a = setup();
    a.deps.journal.records = interrupted({ source: 90, target: 10 });
    a.deps.loadBalancer.fail.readListener = new Error('ExpiredToken');
    expect((await a.service.load()).recovered[0]).toMatchObject({
      outcome: 'unconfirmed',
      reason: expect.stringContaining('ExpiredToken'),
      request: { status: 'approved', unconfirmed: expect.stringContaining('ExpiredToken') },
    });

    const b = setup();
    b.deps.journal.records = interrupted({ source: 1, target: 0 }, 'forceReconnect');
    expect((await b.service.load()).recovered[0]).toMatchObject({ outcome: 'failed', request: { status: 'failed', error: expect.stringContaining('capture proxy') } });
    expect(b.deps.ecs.calls).not.toContain('restartCaptureProxy');
  });
});

describe('ApprovalService: history', () => {
  it('gives the stage\'s audit trail newest first, in pages', async () => {
    const { deps, service } = setup();
    const { request } = await shift(service, 25);
    await deps.clock.advance(MINUTE);
    await service.approve({ requestId: request.id, userId: APPROVER });
    await deps.clock.advance(MINUTE);
    const fallback = created(await service.requestFallback({ stage: 'dev', requester: OTHER, channel: CHANNEL }));
    await service.reject({ requestId: fallback.request.id, userId: OTHER });

    const page1 = await service.history('dev', 1, 3);
    expect(page1).toMatchObject({ stage: 'dev', page: 1, totalPages: 2, totalEntries: 5 });
    expect(page1.entries.map((e) => e.type)).toEqual(['request.rejected', 'request.created', 'request.applied']);
    expect(page1.entries[2]!.text).toContain(`approved by <@${APPROVER}>`);
    const page2 = await service.history('dev', 2, 3);
    expect(page2.entries.map((e) => e.type)).toEqual(['request.approved', 'request.created']);
  });
});
