// A plan under a nervous operator, a careless one and a hostile world, through Slack on the simulated stack:
// what must hold when the plan is paused for long, the bot is down for long, a fallback is requested while the
// plan runs, and a plan is asked for below where traffic already is.
import { ALICE, approveAll, BOB, CAROL, clickReject, command, request, startRequestHarness, type RequestHarness } from '../listeners/actions/request-support';
import { approvedPlan, inThread, minutes, planAcrossRestart, records } from './plan-support';
import { until } from './watch-e2e-support';

describe('a plan under stress', () => {
  let h: RequestHarness;
  beforeEach(async () => {
    h = await startRequestHarness({ SWITCHOVER_SETTLE_SECONDS: '0' });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('a plan paused past its watch window still falls back on a breach (its watch lasts as long as the plan)', async () => {
    const { id, ts } = await approvedPlan(h, 'plan staging 25,50,100 every 5m');
    expect(await command(h, 'pause staging')).toContain('a guardrail breach still falls back automatically');
    // Well past the step's watch (its bake, three holds and the 60-minute watch window).
    await minutes(h, 90);
    expect(h.deps.watcher.active()).toHaveLength(1);
    // Lengthened a whole watch window at a time: one more start in history, not one per bake.
    expect(await records(h, 'watch.started')).toHaveLength(2);
    h.stack.setErrorSpike('staging', 0.2);
    await minutes(h, 5);
    expect(h.deps.approvals.plans.get(id)).toMatchObject({ status: 'ended', ended: { reason: 'fell-back' } });
    expect(h.stack.stage('staging').weights()).toEqual({ source: 100, target: 0 });
    expect(inThread(h, ts, /Automatic fallback/)).toHaveLength(1);
  });

  it('takes no step while a fallback waits for approval; rejected, the plan stays paused until resumed', async () => {
    const { id, ts } = await approvedPlan(h, 'plan staging 25,50,100 every 2m');
    await minutes(h, 1);
    const fallback = await request(h, 'fallback staging');
    expect(h.deps.approvals.plans.get(id)).toMatchObject({ status: 'paused', pause: { reason: 'fallback-requested', by: ALICE } });
    await h.fake.waitFor(() => inThread(h, ts, /The plan paused at step 1 of 3 · 25%: <@U0ALICE> requested a fallback/)[0], 'the pause in the thread');
    // Long past the bake: no step while the fallback waits, and no resume either.
    await minutes(h, 8);
    expect(h.stack.stage('staging').weights()).toEqual({ source: 75, target: 25 });
    expect(await command(h, 'resume staging')).toContain(`A fallback is requested on staging (request ${fallback.request.id})`);
    const rejected = await clickReject(h, fallback.request.id, BOB, fallback.message.ts);
    await until(() => h.deps.approvals.openRequest('staging') === undefined, 'the fallback to be rejected');
    expect(rejected).toBeDefined();
    await minutes(h, 4);
    expect(h.deps.approvals.plans.get(id)).toMatchObject({ status: 'paused', step: 1 });
    expect(h.stack.stage('staging').weights()).toEqual({ source: 75, target: 25 });
    expect(await command(h, 'resume staging')).toContain('resumed the plan at step 1 of 3');
    const history = (await h.deps.approvals.history('staging')).entries.map((e) => e.text);
    expect(history).toContain(`Plan ${id}: paused at step 1 by <@${ALICE}>: a fallback was requested (fallback request ${fallback.request.id})`);
  });

  it('a fallback approved during a plan ends it, and no step follows', async () => {
    const { id } = await approvedPlan(h, 'plan staging 25,50,100 every 2m');
    await minutes(h, 1);
    const fallback = await request(h, 'fallback staging');
    await approveAll(h, fallback.request.id, fallback.message.ts, CAROL);
    expect(h.deps.approvals.plans.get(id)).toMatchObject({ status: 'ended', ended: { reason: 'superseded' } });
    await minutes(h, 8);
    expect(h.stack.stage('staging').weights()).toEqual({ source: 100, target: 0 });
    expect(await command(h, 'resume staging')).toContain('staging has no plan to resume');
  });

  it('refuses a plan that starts at or below the share the target proxy already has, offering the steps above it', async () => {
    const shift = await request(h, 'shift staging 30');
    await approveAll(h, shift.request.id, shift.message.ts, BOB);
    const down = await command(h, 'plan staging 1,5,25,50,100 every 5m');
    expect(down).toContain('already sends 30% of new traffic to the target proxy (source 70 / target 30');
    expect(down).toContain('its first step (1%) would move traffic back to the source proxy');
    expect(down).toContain('`/switchover plan staging 50,100 every 5m`');
    expect(down).toContain('Nothing was requested.');
    expect(await command(h, 'plan staging 30,100')).toContain('its first step (30%) would change nothing');
    expect(await command(h, 'plan staging 5,25')).toContain('There is no step above it; `/switchover shift staging &lt;percent&gt;`');
    expect(h.deps.approvals.openRequest('staging')).toBeUndefined();
    expect(h.stack.stage('staging').weights()).toEqual({ source: 70, target: 30 });
    // From above today's share, a plan is taken.
    expect(await command(h, 'plan staging 50,100')).toContain('is posted in');
  });
});

describe('a plan across a long outage of the bot', () => {
  it('goes on after the bot was down longer than its step was to be watched', async () => {
    await planAcrossRestart('plan staging 25,50,100 every 5m', 90, async (second, { id, ts }) => {
      // The bake that ended long ago is judged on its whole window, and the plan goes on.
      expect(second.deps.approvals.plans.get(id)).toMatchObject({ status: 'running', step: 2 });
      expect(second.stack.stage('staging').weights()).toEqual({ source: 50, target: 50 });
      await second.fake.waitFor(() => inThread(second, ts, /Step 2 of 3: 50% applied/)[0], 'the step in the thread');
      expect((await records(second, 'watch.ended')).filter((r) => 'requestId' in r && r.requestId === id)).toHaveLength(0);
    });
  });
});
