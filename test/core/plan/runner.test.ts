// The plan runner against fake ports, without Slack: approval applies step 1 like a shift; the watch's minutes
// advance, hold, pause or fall back; every transition is journaled (and valid) before it is acted on; pause,
// resume and cancel; a restart settles a step from what the listener shows.
import { ManualClock } from '../../../src/adapters/clock';
import { checkJournalRecord, type JournalRecord } from '../../../src/core/journal';
import type { Plan } from '../../../src/core/plan/plan';
import type { PlanReporter } from '../../../src/core/plan/runner';
import { ApprovalService } from '../../../src/core/requests/approval-service';
import type { SwitchoverRequest } from '../../../src/core/requests/request';
import { MINUTE_MS } from '../../../src/core/types';
import type { WatchInfo, WatchRequest } from '../../../src/core/watch-tick';
import { fakeDeps, MemoryJournal } from '../../support/fake-ports';
import { evaluation, tick } from './verdicts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
const SPEC = { steps: [1, 5, 25, 100], bakeMinutes: 10 };

class RecordingReporter implements PlanReporter {
  shown: Plan[] = [];
  requestsShown: SwitchoverRequest[] = [];
  said: Array<{ text: string; loud: boolean }> = [];
  async show(plan: Plan) {
    this.shown.push(plan);
  }
  async showRequest(request: SwitchoverRequest) {
    this.requestsShown.push(request);
  }
  async say(_plan: Plan, text: string, loud = false) {
    this.said.push({ text, loud });
  }
  log() {}
}

class RecordingWatch {
  started: Array<{ request: WatchRequest; options: { continuing?: boolean; until?: number } }> = [];
  async start(request: WatchRequest, options: { continuing?: boolean; until?: number }) {
    this.started.push({ request, options });
  }
  /** The watch of the plan's current step, as the watcher would run it. */
  current(): WatchInfo {
    const { request } = this.started.at(-1)!;
    return { ...request, mode: request.appliedWeights.target === 0 ? 'fallback' : 'shift', until: Infinity };
  }
}

function setup(journal = new MemoryJournal(), clock = new ManualClock(T0)) {
  const deps = fakeDeps({ journal, clock });
  let ids = 0;
  const service = new ApprovalService(deps, { ttlMinutes: 15, approvers: [], newId: () => `r-${String(++ids).padStart(10, '0')}` });
  const reporter = new RecordingReporter();
  const watch = new RecordingWatch();
  service.plans.attach(reporter, watch);
  return { deps, service, reporter, watch, clock };
}

type Setup = ReturnType<typeof setup>;

/** Requests, posts and approves the plan; starts the watch of step 1 as the Slack side does. */
async function approvedPlan(s: Setup, spec = SPEC): Promise<Plan> {
  const created = await s.service.requestPlan({ stage: 'dev', requester: ALICE, channel: 'C1', spec });
  if (created.outcome !== 'created') throw new Error(created.reason);
  await s.service.recordPosted(created.request.id, 'C1', '100.1');
  const applied = await s.service.approve({ requestId: created.request.id, userId: BOB });
  expect(applied).toMatchObject({ outcome: 'applied', after: { source: 99, target: 1 } });
  const plan = s.service.plans.get(created.request.id)!;
  await s.watch.start(
    { stage: 'dev', requestId: plan.id, channel: 'C1', threadTs: '100.1', appliedWeights: plan.weights, appliedAt: plan.stepAppliedAt },
    {},
  );
  return plan;
}

/** Moves the clock to `at` and runs one tick of the plan's current watch with this judgement. */
async function tickAt(s: Setup, at: number, judged = evaluation('healthy'), changedOutside?: string) {
  await s.clock.advanceTo(at);
  return s.service.plans.onTick(s.watch.current(), tick(s.watch.current(), at, judged), changedOutside);
}

function planRecords(journal: MemoryJournal): JournalRecord[] {
  return journal.records.filter((r) => r.type.startsWith('plan.'));
}

describe('PlanRunner', () => {
  it('runs a whole plan: each healthy bake applies the next step once, then completes', async () => {
    const s = setup();
    const plan = await approvedPlan(s);
    expect(s.deps.loadBalancer.writes).toEqual([{ source: 99, target: 1 }]);
    expect(plan).toMatchObject({ status: 'running', step: 1, approver: BOB, bakeEndsAt: T0 + 10 * MINUTE_MS });

    // Mid-bake, a healthy minute changes nothing.
    await tickAt(s, T0 + 5 * MINUTE_MS);
    expect(s.deps.loadBalancer.writes).toHaveLength(1);

    let at = T0;
    for (const [step, percent] of [[2, 5], [3, 25], [4, 100]] as const) {
      at += 10 * MINUTE_MS;
      await tickAt(s, at);
      expect(s.deps.loadBalancer.writes.at(-1)).toEqual({ source: 100 - percent, target: percent });
      expect(s.service.plans.get(plan.id)).toMatchObject({ status: 'running', step, stepAppliedAt: at });
      // The watch goes on from the step's weights, in the same thread and progress message.
      expect(s.watch.started.at(-1)).toMatchObject({ request: { appliedWeights: { source: 100 - percent, target: percent }, appliedAt: at, threadTs: '100.1' }, options: { continuing: true } });
      expect(s.reporter.said.at(-1)!.text).toContain(`Step ${step} of 4: ${percent}% applied`);
    }
    at += 10 * MINUTE_MS;
    await tickAt(s, at);
    expect(s.service.plans.get(plan.id)).toMatchObject({ status: 'ended', ended: { reason: 'completed' } });
    expect(s.deps.loadBalancer.writes).toHaveLength(4);
    expect(s.reporter.said.at(-1)).toMatchObject({ text: expect.stringContaining('The plan is complete at step 4 of 4 · 100%'), loud: true });

    // Every step was journaled before its write, and every record is one the journal accepts.
    const types = planRecords(s.deps.journal).map((r) => `${r.type}${'step' in r ? ` ${r.step}` : ''}`);
    expect(types).toEqual([
      'plan.step-started 2', 'plan.step-applied 2',
      'plan.step-started 3', 'plan.step-applied 3',
      'plan.step-started 4', 'plan.step-applied 4',
      'plan.ended 4',
    ]);
    for (const r of s.deps.journal.records) expect(checkJournalRecord(r)).toHaveProperty('record');
  });

  it('holds an inconclusive step for at most three more bakes, then pauses and asks an operator', async () => {
    const s = setup();
    const plan = await approvedPlan(s);
    let at = T0 + 10 * MINUTE_MS;
    for (let hold = 1; hold <= 3; hold++) {
      await tickAt(s, at, evaluation('inconclusive'));
      expect(s.service.plans.get(plan.id)).toMatchObject({ status: 'running', holds: hold, bakeEndsAt: at + 10 * MINUTE_MS });
      expect(s.reporter.said.at(-1)!.text).toContain(`held for another 10 min (${hold} of 3)`);
      at += 10 * MINUTE_MS;
    }
    await tickAt(s, at, evaluation('inconclusive'));
    expect(s.service.plans.get(plan.id)).toMatchObject({ status: 'paused', pause: { reason: 'inconclusive' } });
    expect(s.reporter.said.at(-1)).toMatchObject({ loud: true, text: expect.stringContaining('`/switchover resume dev`') });
    expect(s.deps.loadBalancer.writes).toHaveLength(1);
  });

  it('advances a step at a small share when only p99 is inconclusive for lack of volume, saying so', async () => {
    const s = setup();
    await approvedPlan(s);
    await tickAt(s, T0 + 10 * MINUTE_MS, evaluation('healthy', 'low-volume'));
    expect(s.deps.loadBalancer.writes.at(-1)).toEqual({ source: 95, target: 5 });
    expect(s.reporter.said.at(-1)!.text).toContain('p99 not shown healthy, only watched for a breach');
  });

  it('falls back by itself on a breach mid-bake: one write to the source proxy, the alert names the approver, the plan ends', async () => {
    const s = setup();
    const plan = await approvedPlan(s);
    await tickAt(s, T0 + 10 * MINUTE_MS);
    const answer = await tickAt(s, T0 + 13 * MINUTE_MS, evaluation('healthy', 'breach'));
    expect(s.deps.loadBalancer.writes.at(-1)).toEqual({ source: 100, target: 0 });
    expect(s.deps.loadBalancer.writes).toHaveLength(3);
    expect(answer).toEqual({ alertNote: { fellBack: true, text: expect.stringContaining(`Automatic fallback (approved by <@${BOB}> with the plan)`) } });
    expect(s.service.plans.get(plan.id)).toMatchObject({ status: 'ended', ended: { reason: 'fell-back', after: { source: 100, target: 0 } } });
    expect(planRecords(s.deps.journal).slice(-2).map((r) => r.type)).toEqual(['plan.fallback-started', 'plan.ended']);
    // The source is watched after the fallback, as after any fallback.
    expect(s.watch.started.at(-1)!.request.appliedWeights).toEqual({ source: 100, target: 0 });
    // Nothing more happens on later minutes.
    await tickAt(s, T0 + 20 * MINUTE_MS, evaluation('healthy', 'breach'));
    expect(s.deps.loadBalancer.writes).toHaveLength(3);
  });

  it('falls back even when the journal cannot record the decision', async () => {
    const s = setup();
    await approvedPlan(s);
    jest.spyOn(s.deps.journal, 'append').mockRejectedValue(new Error('ENOSPC'));
    const answer = await tickAt(s, T0 + 3 * MINUTE_MS, evaluation('breach'));
    expect(s.deps.loadBalancer.writes.at(-1)).toEqual({ source: 100, target: 0 });
    expect(answer).toEqual({ alertNote: { fellBack: true, text: expect.stringContaining('The journal could not record this (ENOSPC)') } });
  });

  it('says plainly when the automatic fallback fails', async () => {
    const s = setup();
    const plan = await approvedPlan(s);
    s.deps.loadBalancer.fail.setWeights = new Error('AccessDenied: not authorized to perform elasticloadbalancing:ModifyListener');
    s.deps.loadBalancer.fail.readListener = undefined;
    const answer = await tickAt(s, T0 + 3 * MINUTE_MS, evaluation('breach'));
    expect(answer).toEqual({ alertNote: { fellBack: false, text: expect.stringContaining('AUTOMATIC FALLBACK FAILED') } });
    expect(s.service.plans.get(plan.id)).toMatchObject({ status: 'ended', ended: { reason: 'fallback-failed' } });
  });

  it('pauses when AWS fails on a step (never half a step), and resumes from what the listener shows', async () => {
    const s = setup();
    const plan = await approvedPlan(s);
    s.deps.loadBalancer.fail.setWeights = new Error('Throttling: rate exceeded');
    await tickAt(s, T0 + 10 * MINUTE_MS);
    expect(s.deps.loadBalancer.weights).toEqual({ source: 99, target: 1 });
    expect(s.service.plans.get(plan.id)).toMatchObject({ status: 'paused', step: 1, pause: { reason: 'step-failed' } });
    expect(s.reporter.said.at(-1)).toMatchObject({ loud: true, text: expect.stringContaining('could not be applied: the new weights could not be written: Throttling') });

    delete s.deps.loadBalancer.fail.setWeights;
    await s.clock.advanceTo(T0 + 12 * MINUTE_MS);
    const resumed = await s.service.plans.resume({ stage: 'dev', userId: ALICE });
    expect(resumed).toMatchObject({ outcome: 'done', plan: { status: 'running', step: 1, bakeEndsAt: T0 + 22 * MINUTE_MS } });
    await tickAt(s, T0 + 22 * MINUTE_MS);
    expect(s.deps.loadBalancer.weights).toEqual({ source: 95, target: 5 });
  });

  it('pauses when the weights are changed outside the bot, and will not resume from weights it did not set', async () => {
    const s = setup();
    const plan = await approvedPlan(s);
    s.deps.loadBalancer.weights = { source: 50, target: 50 };
    await tickAt(s, T0 + 4 * MINUTE_MS, evaluation('healthy'), 'source 50 / target 50 (50% of new traffic to the target proxy)');
    expect(s.service.plans.get(plan.id)).toMatchObject({ status: 'paused', pause: { reason: 'outside-change' } });
    const resumed = await s.service.plans.resume({ stage: 'dev', userId: ALICE });
    expect(resumed).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('the plan cannot resume from there') });
    expect(s.deps.loadBalancer.writes).toHaveLength(1);
  });

  it('pause holds the plan at once, resume continues it, cancel ends it and leaves the weights', async () => {
    const s = setup();
    const plan = await approvedPlan(s);
    expect(await s.service.plans.resume({ stage: 'dev', userId: ALICE })).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('is not paused') });
    expect(await s.service.plans.pause({ stage: 'dev', userId: ALICE })).toMatchObject({ outcome: 'done', plan: { status: 'paused', pause: { reason: 'operator', by: ALICE } } });
    expect(await s.service.plans.pause({ stage: 'dev', userId: ALICE })).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('already paused') });
    // A paused plan moves no traffic at the end of its bake.
    await tickAt(s, T0 + 10 * MINUTE_MS);
    expect(s.deps.loadBalancer.writes).toHaveLength(1);
    expect(await s.service.plans.resume({ stage: 'dev', userId: BOB })).toMatchObject({ outcome: 'done', plan: { status: 'running' } });
    // Someone who is neither the requester nor an approver cannot cancel when an approver list is set.
    expect(await s.service.cancel({ stage: 'dev', userId: BOB })).toMatchObject({ outcome: 'done', plan: { status: 'ended', ended: { reason: 'cancelled', by: BOB } } });
    expect(s.deps.loadBalancer.weights).toEqual({ source: 99, target: 1 });
    expect(s.service.plans.active('dev')).toBeUndefined();
    expect(s.service.plans.get(plan.id)!.status).toBe('ended');
  });

  it('refuses a shift or another plan while a plan runs; an approved fallback ends the plan', async () => {
    const s = setup();
    const plan = await approvedPlan(s);
    const input = { stage: 'dev', requester: ALICE, channel: 'C1' };
    expect(await s.service.requestShift({ ...input, percent: 50 })).toMatchObject({ outcome: 'refused', reason: expect.stringContaining('dev has a running plan (step 1 of 4 · 1%') });
    expect(await s.service.requestPlan({ ...input, spec: SPEC })).toMatchObject({ outcome: 'refused' });
    const fallback = await s.service.requestFallback(input);
    expect(fallback.outcome).toBe('created');
    if (fallback.outcome !== 'created') return;
    await s.service.approve({ requestId: fallback.request.id, userId: BOB });
    expect(s.service.plans.get(plan.id)).toMatchObject({ status: 'ended', ended: { reason: 'superseded' } });
    await tickAt(s, T0 + 10 * MINUTE_MS);
    expect(s.deps.loadBalancer.weights).toEqual({ source: 100, target: 0 });
  });

  it('cancels a fallback request left open when the automatic fallback lands, saying why, so nobody approves it in vain', async () => {
    const s = setup();
    const plan = await approvedPlan(s);
    const fallback = await s.service.requestFallback({ stage: 'dev', requester: ALICE, channel: 'C1' });
    if (fallback.outcome !== 'created') throw new Error(fallback.reason);
    expect(s.service.plans.get(plan.id)).toMatchObject({ status: 'paused', pause: { reason: 'fallback-requested' } });
    await tickAt(s, T0 + 3 * MINUTE_MS, evaluation('breach'));
    expect(s.service.plans.get(plan.id)).toMatchObject({ status: 'ended', ended: { reason: 'fell-back' } });

    const why = `the plan ${plan.id} already fell back to the source proxy automatically (error-rate breached); this request is no longer needed`;
    const cancelled = s.service.get(fallback.request.id)!;
    expect(cancelled).toMatchObject({ status: 'cancelled', note: why });
    expect(cancelled.closedBy).toBeUndefined();
    expect(s.deps.journal.records.at(-1)).toMatchObject({ type: 'request.cancelled', requestId: cancelled.id, reason: why });
    for (const r of s.deps.journal.records) expect(checkJournalRecord(r)).toHaveProperty('record');
    const history = await s.service.history('dev');
    expect(history.entries.find((e) => e.type === 'request.cancelled')!.text).toMatch(new RegExp(`^The bot cancelled .*${cancelled.id}.*: the plan ${plan.id} already fell back`));
    // Its message is brought to that state; approving it later says why instead of "weights changed".
    expect(s.reporter.requestsShown).toEqual([cancelled]);
    const approved = await s.service.approve({ requestId: cancelled.id, userId: BOB });
    expect(approved).toMatchObject({ outcome: 'refused', reason: expect.stringContaining(`is no longer open: cancelled by the bot at 2026-01-01 12:03 UTC: ${why}`) });
    expect(s.deps.loadBalancer.writes).toHaveLength(2);
  });

  it('says in the thread that the plan stays paused when its fallback request is rejected or expires', async () => {
    const s = setup();
    const plan = await approvedPlan(s);
    const input = { stage: 'dev', requester: ALICE, channel: 'C1' };
    const first = await s.service.requestFallback(input);
    if (first.outcome !== 'created') throw new Error(first.reason);
    expect(await s.service.reject({ requestId: first.request.id, userId: BOB })).toMatchObject({ outcome: 'rejected' });
    expect(s.reporter.said.at(-1)!.text).toBe(
      `:double_vertical_bar: The fallback request ${first.request.id} was rejected by <@${BOB}> at 2026-01-01 12:00 UTC: the plan stays paused at step 1 of 4 · 1%. ` +
        '`/switchover resume dev` continues it, `/switchover cancel dev` ends it; a breach still falls back automatically.',
    );
    expect(s.reporter.shown.at(-1)).toMatchObject({ id: plan.id, status: 'paused' });

    const second = await s.service.requestFallback(input);
    if (second.outcome !== 'created') throw new Error(second.reason);
    await s.clock.advanceTo(T0 + 16 * MINUTE_MS);
    expect(await s.service.expireDue()).toMatchObject([{ id: second.request.id, status: 'expired' }]);
    expect(s.reporter.said.at(-1)!.text).toContain(`The fallback request ${second.request.id} was expired at 2026-01-01 12:16 UTC without approval: the plan stays paused at step 1 of 4`);
    expect(s.reporter.requestsShown).toEqual([]);
  });

  it('refuses to apply an approved plan when the weights moved since the request, like any request', async () => {
    const s = setup();
    const created = await s.service.requestPlan({ stage: 'dev', requester: ALICE, channel: 'C1', spec: SPEC });
    if (created.outcome !== 'created') throw new Error(created.reason);
    s.deps.loadBalancer.weights = { source: 90, target: 10 };
    expect(await s.service.approve({ requestId: created.request.id, userId: BOB })).toMatchObject({
      outcome: 'failed',
      error: expect.stringContaining('the weights changed since the request'),
    });
    expect(s.service.plans.get(created.request.id)).toBeUndefined();
    expect(s.deps.loadBalancer.writes).toEqual([]);
    // Used once: a second approval finds it closed.
    expect(await s.service.approve({ requestId: created.request.id, userId: BOB })).toMatchObject({ outcome: 'refused' });
  });

  it('refuses a plan whose shape is wrong, and checks the target proxy like a shift', async () => {
    const s = setup();
    expect(await s.service.requestPlan({ stage: 'dev', requester: ALICE, channel: 'C1', spec: { steps: [5, 1], bakeMinutes: 10 } })).toMatchObject({
      outcome: 'refused',
      reason: expect.stringContaining('the steps must increase'),
    });
    s.deps.loadBalancer.health.target = [{ id: '10.0.1.1', port: 9200, state: 'unhealthy' }];
    expect(await s.service.requestPlan({ stage: 'dev', requester: ALICE, channel: 'C1', spec: SPEC })).toMatchObject({
      outcome: 'refused',
      reason: expect.stringContaining('has no healthy target'),
    });
  });

  it('after a restart mid-step, settles the step from what the listener shows and goes on', async () => {
    const journal = new MemoryJournal();
    const first = setup(journal);
    const plan = await approvedPlan(first);
    // The bot stops between journaling step 2 and hearing AWS's answer: AWS applied it.
    jest.spyOn(first.deps.loadBalancer, 'setWeights').mockImplementation(async (_r, _c, weights) => {
      first.deps.loadBalancer.weights = { ...weights };
      await new Promise(() => undefined);
    });
    void tickAt(first, T0 + 10 * MINUTE_MS);
    for (let i = 0; i < 50 && journal.records.at(-1)?.type !== 'plan.step-started'; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(journal.records.at(-1)).toMatchObject({ type: 'plan.step-started', step: 2 });

    const second = setup(journal, new ManualClock(T0 + 11 * MINUTE_MS));
    second.deps.loadBalancer.weights = { ...first.deps.loadBalancer.weights };
    await second.service.load();
    expect(second.service.plans.get(plan.id)).toMatchObject({ status: 'running', step: 2, weights: { source: 95, target: 5 } });
    expect(second.deps.loadBalancer.writes).toEqual([]);
    expect(second.reporter.said.at(-1)!.text).toContain('which the bot was applying when it stopped, applied');
    expect(second.watch.started.at(-1)).toMatchObject({ request: { appliedWeights: { source: 95, target: 5 } }, options: { continuing: true } });
  });

  it('after a restart between journaling a step and writing it, writes nothing, pauses, and resumes from the listener', async () => {
    const journal = new MemoryJournal();
    const first = setup(journal);
    const plan = await approvedPlan(first);
    // The bot stops after plan.step-started, before its write reached AWS: the listener still has step 1.
    jest.spyOn(first.deps.loadBalancer, 'setWeights').mockImplementation(() => new Promise(() => undefined));
    void tickAt(first, T0 + 10 * MINUTE_MS);
    for (let i = 0; i < 50 && journal.records.at(-1)?.type !== 'plan.step-started'; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(journal.records.at(-1)).toMatchObject({ type: 'plan.step-started', step: 2 });

    const second = setup(journal, new ManualClock(T0 + 11 * MINUTE_MS));
    second.deps.loadBalancer.weights = { source: 99, target: 1 };
    await second.service.load();
    expect(second.service.plans.get(plan.id)).toMatchObject({ status: 'paused', step: 1, pause: { reason: 'step-failed' } });
    expect(second.deps.loadBalancer.writes).toEqual([]);
    expect(second.reporter.said.at(-1)).toMatchObject({ loud: true, text: expect.stringContaining('AWS shows source 99 / target 1') });
    // Resumed, it goes on from step 1 (the listener holds it) and steps again only after a fresh healthy bake.
    expect(await second.service.plans.resume({ stage: 'dev', userId: ALICE })).toMatchObject({ outcome: 'done' });
    expect(second.service.plans.get(plan.id)).toMatchObject({ status: 'running', step: 1, bakeEndsAt: T0 + 21 * MINUTE_MS });
    expect(second.deps.loadBalancer.writes).toEqual([]);
  });
});
