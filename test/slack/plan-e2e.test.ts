// A gradual switchover plan through Slack (signed commands and clicks, the fake Slack) on the simulated stack,
// minutes moved on a ManualClock: the whole plan, an inconclusive hold, pause and resume, cancel, a breach
// mid-bake, an outside change, a restart mid-plan, Slack down during a step change, AWS failing on a step.
import { PLAN_PAUSE_ACTION, PLAN_RESUME_ACTION } from '../../src/blocks/plan';
import type { JournalRecord } from '../../src/core/journal';
import type { FakeMessage } from '../support/fake-slack';
import { CHANNEL } from '../support/slack-harness';
import {
  ALICE,
  BOB,
  clickOn,
  command,
  MALLORY,
  request,
  setWeightsBehindTheBot,
  shown,
  startRequestHarness,
  type RequestHarness,
} from '../listeners/actions/request-support';
import { approvedPlan, inThread, minutes, planAcrossRestart } from './plan-support';
import { until } from './watch-e2e-support';

function planMessage(h: RequestHarness, ts: string): FakeMessage {
  return h.fake.messages.find((m) => m.ts === ts && m.channel === CHANNEL)!;
}

async function planRecords(h: RequestHarness): Promise<JournalRecord[]> {
  return (await h.deps.core.journal.readAll()).filter((r) => r.type.startsWith('plan.'));
}

describe('a gradual switchover plan, end to end', () => {
  let h: RequestHarness;
  beforeEach(async () => {
    h = await startRequestHarness({ SWITCHOVER_SETTLE_SECONDS: '0' });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('previews the plan with its steps, bakes, expected end and the automatic fallback it approves', async () => {
    const { message, reply } = await request(h, 'plan staging 25,50,100 every 5m');
    expect(reply).toContain('is posted in');
    const text = shown(message);
    expect(text).toContain('Request: switch over gradually: 25 → 50 → 100%, every 5 min, fallen back automatically on a breach on staging');
    expect(text).toContain('1. 25% of new traffic to the target proxy, baked 5 min (until about 12:05 UTC)');
    expect(text).toContain('*Expected end:* 15 min after approval');
    expect(text).toContain('Approving this plan also approves an automatic fallback to the source proxy');
    expect(text).toContain('inconclusive (never a pass) holds the step');
    expect(text).toMatch(/Target proxy group\*\\nALBTargetProxy-staging-TG: 2\/2 healthy/);
    // The two-person rule: alice cannot approve her own plan.
    const own = await clickOn(h, 'switchover_approve', h.deps.approvals.openRequest('staging')!.id, ALICE, message.ts);
    await until(() => own.responses().length > 0, 'the refusal');
    expect(String(own.responses()[0]!.text)).toContain('someone else must approve it');
  });

  it('runs the whole plan: each healthy bake applies the next step and says it in the thread', async () => {
    const { id, ts, final } = await approvedPlan(h, 'plan staging 25,50,100 every 5m');
    expect(shown(final)).toContain('step 1 of 3 · 25% · next step at 12:05 UTC if healthy');
    expect(h.stack.stage('staging').weights()).toEqual({ source: 75, target: 25 });
    await minutes(h, 40);
    const records = (await planRecords(h)).map((r) => r.type);
    expect(records).toContain('plan.ended');
    expect(h.stack.stage('staging').weights()).toEqual({ source: 0, target: 100 });
    expect(inThread(h, ts, /Step 2 of 3: 50% applied/)).toHaveLength(1);
    expect(inThread(h, ts, /Step 3 of 3: 100% applied/)).toHaveLength(1);
    expect(inThread(h, ts, /The plan is complete/)).toHaveLength(1);
    expect(shown(planMessage(h, ts))).toContain('completed at step 3 of 3 · 100%');
    expect(h.deps.approvals.plans.get(id)).toMatchObject({ status: 'ended', ended: { reason: 'completed' } });
  });

  it('holds an inconclusive step, then pauses and asks an operator; pause and resume buttons work', async () => {
    // At 2 % of staging's 900 requests a minute, 5xx cannot be shown healthy within a few 2-minute bakes.
    const { id, ts } = await approvedPlan(h, 'plan staging 2,100 every 2m');
    await minutes(h, 3);
    expect(inThread(h, ts, /held for another 2 min \(1 of 3\)/)).toHaveLength(1);
    expect(shown(planMessage(h, ts))).toContain('(held 1 of 3)');
    await minutes(h, 7);
    expect(h.deps.approvals.plans.get(id)).toMatchObject({ status: 'paused', pause: { reason: 'inconclusive' } });
    const paused = inThread(h, ts, /The plan paused at step 1 of 2/);
    expect(paused).toHaveLength(1);
    expect(paused[0]!.text).toContain('Inconclusive is never a pass');
    expect(h.stack.stage('staging').weights()).toEqual({ source: 98, target: 2 });
    expect(JSON.stringify(planMessage(h, ts).blocks)).toContain(PLAN_RESUME_ACTION);

    // Mallory is no operator: the Resume button refuses her.
    const refused = await clickOn(h, PLAN_RESUME_ACTION, 'staging', MALLORY, ts);
    await until(() => refused.responses().length > 0, 'the refusal');
    expect(String(refused.responses()[0]!.text)).toContain('Only <@U0ALICE> may run `/switchover resume staging`');
    const resumed = await clickOn(h, PLAN_RESUME_ACTION, 'staging', ALICE, ts);
    await until(() => resumed.responses().length > 0, 'the answer');
    expect(String(resumed.responses()[0]!.text)).toContain('resumed the plan at step 1 of 2');
    expect(h.deps.approvals.plans.get(id)).toMatchObject({ status: 'running', holds: 0 });
    await until(() => JSON.stringify(planMessage(h, ts).blocks).includes(PLAN_PAUSE_ACTION), 'the Pause button');

    const pausedAgain = await clickOn(h, PLAN_PAUSE_ACTION, 'staging', ALICE, ts);
    await until(() => pausedAgain.responses().length > 0, 'the answer');
    expect(h.deps.approvals.plans.get(id)).toMatchObject({ status: 'paused', pause: { reason: 'operator', by: ALICE } });
    expect(inThread(h, ts, /paused the plan at step 1 of 2/)).toHaveLength(1);
  });

  it('pause and resume by command; cancel ends the plan and leaves the weights', async () => {
    const { id, ts } = await approvedPlan(h, 'plan staging 25,50,100 every 5m');
    expect(await command(h, 'pause staging')).toContain('paused the plan at step 1 of 3 · 25%');
    await minutes(h, 12);
    expect(h.stack.stage('staging').weights()).toEqual({ source: 75, target: 25 });
    expect(await command(h, 'pause staging')).toContain('already paused');
    expect(await command(h, 'resume staging')).toContain('resumed the plan at step 1 of 3');
    expect(await command(h, 'shift staging 50')).toContain('staging has a running plan');
    expect(await command(h, 'cancel staging', MALLORY)).toContain('You cannot cancel the plan on staging');
    expect(await command(h, 'cancel staging')).toContain('cancelled the plan at step 1 of 3');
    expect(h.deps.approvals.plans.get(id)).toMatchObject({ status: 'ended', ended: { reason: 'cancelled', by: ALICE } });
    expect(h.stack.stage('staging').weights()).toEqual({ source: 75, target: 25 });
    await until(() => shown(planMessage(h, ts)).includes('cancelled at step 1 of 3'), 'the plan message to say cancelled');
    expect(JSON.stringify(planMessage(h, ts).blocks)).not.toContain(PLAN_PAUSE_ACTION);
    const history = (await h.deps.approvals.history('staging')).entries.map((e) => e.text);
    expect(history[0]).toBe(`Plan ${id}: cancelled at step 1 by <@${ALICE}>`);
    expect(history).toContain(`Plan ${id}: <@${ALICE}> resumed it at step 1`);
    expect(history).toContain(`Plan ${id}: paused at step 1 by <@${ALICE}>: paused by an operator`);
  });

  it('falls back by itself on a breach mid-bake: one ModifyListener, an alert naming the approver, the plan ends', async () => {
    const { id, ts } = await approvedPlan(h, 'plan staging 25,50,100 every 5m');
    await minutes(h, 2);
    h.stack.resetCalls();
    h.stack.setErrorSpike('staging', 0.2);
    await minutes(h, 3);
    expect(h.stack.stage('staging').weights()).toEqual({ source: 100, target: 0 });
    expect(h.stack.calls.ModifyListener).toBe(1);
    expect(h.deps.approvals.plans.get(id)).toMatchObject({ status: 'ended', ended: { reason: 'fell-back' } });
    const alert = await h.fake.waitFor(() => h.fake.messages.find((m) => !m.threadTs && /^Guardrail breached on staging/.test(m.text ?? '')), 'the alert');
    expect(alert.text).toContain(`Automatic fallback (approved by <@${BOB}> with the plan)`);
    expect(JSON.stringify(alert.blocks)).not.toContain('switchover_request_fallback');
    await until(() => shown(planMessage(h, ts)).includes('fallen back automatically'), 'the plan message to say fallen back');
    const history = (await h.deps.approvals.history('staging')).entries.map((e) => e.text);
    expect(history.find((t) => t.startsWith(`Plan ${id}: fallen back`))).toMatch(
      new RegExp(`^Plan ${id}: fallen back automatically to the source proxy at step 1: source 75 / target 25 .* → source 100 / target 0 .*\\(the plan was approved by <@${BOB}>\\)`),
    );
  });

  it('pauses when the weights are changed outside the bot, and says so', async () => {
    const { id, ts } = await approvedPlan(h, 'plan staging 25,50,100 every 5m');
    await minutes(h, 2);
    setWeightsBehindTheBot(h.stack, 'staging', { source: 40, target: 60 });
    await minutes(h, 1);
    expect(h.deps.approvals.plans.get(id)).toMatchObject({ status: 'paused', pause: { reason: 'outside-change' } });
    expect(inThread(h, ts, /The plan paused at step 1 of 3 · 25%: the switchover listener was changed outside the bot/)).toHaveLength(1);
    await minutes(h, 6);
    expect(h.stack.stage('staging').weights()).toEqual({ source: 40, target: 60 });
    expect(await command(h, 'resume staging')).toContain('the plan cannot resume from there');
  });

  it('pauses when AWS fails on a step (never half a step), and resume goes on', async () => {
    const { id, ts } = await approvedPlan(h, 'plan staging 25,50,100 every 5m');
    h.stack.faults.ModifyListener = { accessDenied: true };
    await minutes(h, 12);
    expect(h.deps.approvals.plans.get(id)).toMatchObject({ status: 'paused', step: 1, pause: { reason: 'step-failed' } });
    expect(h.stack.stage('staging').weights()).toEqual({ source: 75, target: 25 });
    const failed = inThread(h, ts, /could not be applied/);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.text).toContain('ModifyListener');
    delete h.stack.faults.ModifyListener;
    expect(await command(h, 'resume staging')).toContain('resumed the plan at step 1 of 3');
    await minutes(h, 6);
    expect(h.stack.stage('staging').weights()).toEqual({ source: 50, target: 50 });
  });

  it('takes the step while Slack is down and says it once Slack answers', async () => {
    const { ts } = await approvedPlan(h, 'plan staging 25,50,100 every 5m');
    await minutes(h, 3);
    h.fake.fail('chat.postMessage', 'service_unavailable');
    h.fake.fail('chat.update', 'service_unavailable');
    await minutes(h, 8);
    expect(h.stack.stage('staging').weights()).toEqual({ source: 50, target: 50 });
    expect(inThread(h, ts, /Step 2 of 3: 50% applied/)).toHaveLength(0);
    h.fake.clearFailures();
    // The outbox tries again every 15 s of the clock once its last attempt is done (writing its file takes a moment).
    for (let i = 0; i < 5 && inThread(h, ts, /Step 2 of 3: 50% applied/).length === 0; i++) {
      await minutes(h, 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await h.fake.waitFor(() => inThread(h, ts, /Step 2 of 3: 50% applied/)[0], 'the step said in the thread');
    expect(inThread(h, ts, /Step 2 of 3: 50% applied/)).toHaveLength(1);
  });
});

describe('a plan across a restart of the bot', () => {
  it('judges a bake that ended while the bot was down on its whole window, and goes on', async () => {
    await planAcrossRestart('plan staging 25,50,100 every 5m', 7, async (second, { id, ts }) => {
      expect(second.deps.approvals.plans.get(id)).toMatchObject({ status: 'running', step: 2 });
      expect(second.stack.stage('staging').weights()).toEqual({ source: 50, target: 50 });
      await second.fake.waitFor(() => inThread(second, ts, /Step 2 of 3: 50% applied/)[0], 'the step in the thread');
    });
  });

  it('falls back at its first minute back when the target broke while the bot was down', async () => {
    await planAcrossRestart(
      'plan staging 25,50,100 every 30m',
      4,
      async (second, { id }) => {
        expect(second.deps.approvals.plans.get(id)).toMatchObject({ status: 'ended', ended: { reason: 'fell-back' } });
        expect(second.stack.stage('staging').weights()).toEqual({ source: 100, target: 0 });
        await second.fake.waitFor(() => second.fake.messages.find((m) => !m.threadTs && /Automatic fallback/.test(m.text ?? '')), 'the alert');
      },
      (stack) => stack.setErrorSpike('staging', 0.2), // the target breaks while the bot is down
    );
  });
});
