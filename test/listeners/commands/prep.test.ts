// `/switchover prep <stage>` end to end: signed slash commands into the real app, the fake Slack recording
// every Web API call, the real AWS adapters over the simulated stack, and a ManualClock so the minutes prep
// waits for the target proxy pass in milliseconds.
import { ManualClock } from '../../../src/adapters/clock';
import { DEFAULT_STAGES, createSimulatedAws, type SimStageConfig, type SimTimings, type SimulatedAws } from '../../../src/adapters/sim';
import type { JournalRecord } from '../../../src/core/journal';
import { TINY_PNG } from '../../support/fake-chart-server';
import type { FakeMessage } from '../../support/fake-slack';
import { CHANNEL, OPERATOR, startHarness, type Env, type Harness } from '../../support/slack-harness';

const BOB = 'U0BOB';

/** dev (3 capture, 0 target) and staging (2 and 2, settled) as shipped, plus stages for the odd cases. */
const STAGES: SimStageConfig[] = [
  ...DEFAULT_STAGES,
  // The capture proxy runs a single task (the runbook expects more than 1).
  { ...DEFAULT_STAGES[0]!, name: 'solo', captureProxyDesired: 1, targetProxyDesired: 0 },
  // Three target proxy tasks, about to be scaled in to two: one target drains for the deregistration delay.
  { ...DEFAULT_STAGES[1]!, name: 'drain', captureProxyDesired: 2, targetProxyDesired: 3 },
];

interface Setup {
  h: Harness;
  clock: ManualClock;
  sim: SimulatedAws;
}

let current: Setup | undefined;

async function setup(env: Env = {}, timings?: Partial<SimTimings>): Promise<Setup> {
  const clock = new ManualClock();
  const sim = createSimulatedAws({ clock, stages: STAGES, timings });
  const h = await startHarness(env, { clock }, { simulation: sim });
  current = { h, clock, sim };
  return current;
}

afterEach(async () => {
  // The journal keeps its file open between appends; close it before the data directory goes.
  await (current?.h.deps.core.journal as { close?: () => Promise<void> } | undefined)?.close?.();
  await current?.h.stop();
  current = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lets real I/O run and moves the simulated time on while anything sleeps on the clock, until `find` finds. */
async function drive<T>(s: Setup, find: () => T | undefined, what: string, maxSteps = 3_000): Promise<T> {
  for (let i = 0; i < maxSteps; i++) {
    const found = find();
    if (found !== undefined) return found;
    await sleep(1);
    if (s.clock.pending > 0) await s.clock.advance(5_000);
  }
  throw new Error(`the clock ran out before ${what}`);
}

/** Drives until the prep command has posted its summary (or given up on it). */
function prepDone(s: Setup, count = 1): Promise<true> {
  return drive(
    s,
    () =>
      s.h.logs().filter((l) => l.msg === 'prep summary posted' || l.msg === 'could not post the prep summary in the channel').length >= count
        ? true
        : undefined,
    'the prep summary',
  );
}

function channelMessages(h: Harness): FakeMessage[] {
  return h.fake.messages.filter((m) => m.channel === CHANNEL && !m.threadTs);
}

/** The progress message is the first channel message, the summary the last. */
function progressOf(h: Harness): FakeMessage {
  return channelMessages(h)[0]!;
}

function summaryOf(h: Harness): FakeMessage {
  const messages = channelMessages(h);
  expect(messages.length).toBeGreaterThanOrEqual(2);
  return messages.at(-1)!;
}

function blocksText(message: { text?: string; blocks?: unknown[] }): string {
  return `${message.text ?? ''}\n${JSON.stringify(message.blocks ?? [])}`;
}

function actionIds(message: FakeMessage): string[] {
  return (message.blocks ?? []).flatMap((b) => {
    const block = b as { type: string; elements?: { action_id?: string }[] };
    return block.type === 'actions' ? (block.elements ?? []).map((e) => e.action_id ?? '') : [];
  });
}

async function journal(h: Harness): Promise<JournalRecord[]> {
  return h.deps.core.journal.readAll();
}

describe('/switchover prep: the happy path', () => {
  it('takes dev from 0 target proxy tasks to ready, in one progress message, with a summary, buttons and charts', async () => {
    const s = await setup();
    const { h, sim } = s;
    expect(sim.stack.stage('dev').services.target.desired).toBe(0);

    const sent = await h.slash('prep dev');
    expect(sent.status).toBe(200);
    expect(sent.body).toBe(''); // acknowledged at once, the work follows
    await prepDone(s);

    // AWS: the target proxy now desires as many tasks as the capture proxy, all running and healthy.
    const dev = sim.stack.stage('dev');
    expect(dev.services.target.desired).toBe(3);
    expect(sim.stack.calls.UpdateService).toBe(1);
    const records = await journal(h);
    expect(records).toContainEqual(
      expect.objectContaining({ type: 'prep.scaled', stage: 'dev', by: OPERATOR, fromDesired: 0, toDesired: 3, service: 'migration-dev-target-cluster-proxy' }),
    );
    expect(records).toContainEqual(expect.objectContaining({ type: 'prep.baseline', stage: 'dev', by: OPERATOR }));

    // Slack: two channel messages, the progress message redrawn in place, never a second progress message.
    const messages = channelMessages(h);
    expect(messages).toHaveLength(2);
    const progress = progressOf(h);
    expect(progress.versions.length).toBeGreaterThanOrEqual(3);
    expect(h.fake.callsOf('chat.update').every((c) => c.args.ts === progress.ts && c.args.channel === CHANNEL)).toBe(true);
    expect(blocksText(progress.versions[0]!)).toContain('running');
    const waiting = progress.versions.find((v) => blocksText(v).includes(':hourglass_flowing_sand: *Wait for target proxy tasks and targets*'));
    expect(waiting).toBeDefined();
    const final = blocksText(progress);
    expect(final).toContain('Prep `dev` finished');
    expect(final).toContain('elapsed');
    for (const label of ['Resolve stage', 'Read ECS counts', 'Scale target proxy', 'Wait for target proxy tasks and targets', 'Check target groups and listener', 'Baseline metrics', 'Verdict']) {
      expect(final).toContain(`:white_check_mark: *${label}*`);
    }
    expect(final).toContain('scaled migration-dev-target-cluster-proxy from 0 to 3 tasks');

    // The verdict, visible in the channel, with the buttons that open an approval request.
    const summary = summaryOf(h);
    expect(summary.text).toContain('dev: READY for switchover');
    const text = blocksText(summary);
    expect(text).toContain('READY for switchover');
    expect(text).toContain('Baseline');
    expect(text).toContain('requests/min');
    expect(text).toContain('cdk deploy');
    expect(text).toContain('3 desired / 3 running (scaled from 0)');
    expect(text).toContain("A chart of the baseline window is in this message's thread.");
    expect(actionIds(summary)).toEqual(['switchover_request_shift_10', 'switchover_request_shift_50', 'switchover_request_shift_100']);

    // The chart: rendered to PNG by the chart server, shared in the summary's thread.
    expect(h.charts.posted.length).toBeGreaterThanOrEqual(1);
    expect(h.fake.callsOf('files.getUploadURLExternal')).toHaveLength(h.charts.posted.length);
    expect(h.fake.uploads.map((u) => u.bytes)).toEqual(h.charts.posted.map(() => TINY_PNG));
    const shared = h.fake.callsOf('files.completeUploadExternal');
    expect(shared).toHaveLength(1); // one upload: one thread message
    for (const call of shared) expect(call.args).toMatchObject({ channel_id: CHANNEL, thread_ts: summary.ts });

    // Nobody was told anything privately: it all happened in the channel.
    expect(h.responsesTo(sent)).toEqual([]);
  });

  it('is safe to run again: nothing is scaled twice and the summary reflects what is there now', async () => {
    const s = await setup();
    const { h, sim } = s;
    await h.slash('prep dev');
    await prepDone(s);
    const scaledBefore = (await journal(h)).filter((r) => r.type === 'prep.scaled');
    sim.stack.resetCalls();

    await h.slash('prep dev', { user: BOB });
    await prepDone(s, 2);
    expect(sim.stack.calls.UpdateService).toBeUndefined();
    expect((await journal(h)).filter((r) => r.type === 'prep.scaled')).toEqual(scaledBefore);
    const summary = summaryOf(h);
    expect(summary.text).toContain('dev: READY for switchover');
    const text = blocksText(summary);
    expect(text).not.toContain('scaled from');
    expect(text).toContain('An earlier prep');
    const progress = channelMessages(h).at(-2)!;
    expect(blocksText(progress)).toContain('already desires 3 tasks');
  });
});

describe('/switchover prep: stages in other states', () => {
  it('changes nothing on a stage that is already prepared', async () => {
    const s = await setup();
    const { h, sim } = s;
    await h.slash('prep staging');
    await prepDone(s);
    expect(sim.stack.calls.UpdateService).toBeUndefined();
    expect((await journal(h)).some((r) => r.type === 'prep.scaled')).toBe(false);
    expect(blocksText(progressOf(h))).toContain("target proxy already desires 2 tasks, at least the capture proxy's 2: no change");
    const summary = summaryOf(h);
    expect(summary.text).toContain('staging: READY for switchover');
    expect(actionIds(summary)).toHaveLength(3);
  });

  it('warns when the capture proxy runs a single task', async () => {
    const s = await setup();
    const { h, sim } = s;
    await h.slash('prep solo');
    await prepDone(s);
    expect(sim.stack.stage('solo').services.target.desired).toBe(1);
    const text = blocksText(summaryOf(h));
    expect(text).toContain('Warnings:');
    expect(text).toContain("The capture proxy's desired count is 1; the runbook expects more than 1");
  });

  it('says plainly which stage was not found, and touches nothing', async () => {
    const s = await setup();
    const { h, sim } = s;
    await h.slash('prep nope');
    await prepDone(s);
    expect(sim.stack.calls.UpdateService).toBeUndefined();
    // Only the prep's own start and end are recorded (its progress message was posted): nothing scaled, no baseline.
    expect((await journal(h)).map((r) => r.type)).toEqual(['prep.started', 'prep.ended']);
    const progress = blocksText(progressOf(h));
    expect(progress).toContain('finished with problems');
    expect(progress).toContain(':x: *Resolve stage*');
    expect(progress).toContain(':heavy_minus_sign: *Read ECS counts*');
    const summary = summaryOf(h);
    expect(summary.text).toContain('nope: prep failed');
    expect(summary.text).toContain('Stage `nope` not found: no load balancer named `MigrationAssistant-nope`');
    expect(actionIds(summary)).toEqual([]);
    expect(h.fake.uploads).toEqual([]);
  });
});

describe('/switchover prep: a target proxy that does not become ready', () => {
  it('times out with each target that is not healthy and the reason AWS gives, and offers no shift', async () => {
    const s = await setup({ SWITCHOVER_PREP_TIMEOUT_MINUTES: '2' });
    const { h, sim, clock } = s;
    sim.stack.setUnhealthy('dev', 'target', 'Target.ResponseCodeMismatch');
    const started = clock.now();
    await h.slash('prep dev');
    await prepDone(s);
    expect(clock.now() - started).toBeGreaterThanOrEqual(2 * 60_000);
    expect(sim.stack.stage('dev').services.target.desired).toBe(3); // scaled, but not healthy

    const progress = blocksText(progressOf(h));
    expect(progress).toContain(':x: *Wait for target proxy tasks and targets* — timed out after 2 min');
    const summary = summaryOf(h);
    expect(summary.text).toContain('dev: BLOCKED');
    const text = blocksText(summary);
    expect(text).toContain('Blocked because:');
    expect(text).toContain('The target proxy was not ready after 2 minutes');
    expect(text).toMatch(/unhealthy \(Target\.ResponseCodeMismatch: Health checks failed with these codes: \[502\]\)/);
    expect(actionIds(summary)).toEqual([]);
  });

  it('blocks on a target that is still draining, naming it', async () => {
    // The drain outlasts any jump of the test clock: drive() moves it on while other timers sleep too, so a
    // 300 s drain could end before the prep's 2-minute wait does, and the prep would rightly say READY.
    const s = await setup({ SWITCHOVER_PREP_TIMEOUT_MINUTES: '2' }, { deregistrationDelayMs: 6 * 3_600_000 });
    const { h, sim, clock } = s;
    sim.stack.stage('drain').setDesired('target', 2, clock.now()); // one of three targets starts draining (6 h)
    await h.slash('prep drain');
    await prepDone(s);
    expect(sim.stack.calls.UpdateService).toBeUndefined();
    const summary = summaryOf(h);
    expect(summary.text).toContain('drain: BLOCKED');
    const text = blocksText(summary);
    expect(text).toContain('draining (Target.DeregistrationInProgress');
    expect(text).toContain('1 target is draining in ALBTargetProxy-drain-TG; the runbook requires none draining');
  });

  it('waits out a draining target with the default timeout, then says READY', async () => {
    const s = await setup();
    const { h, sim, clock } = s;
    sim.stack.stage('drain').setDesired('target', 2, clock.now());
    await h.slash('prep drain');
    await prepDone(s);
    expect(summaryOf(h).text).toContain('drain: READY for switchover');
  });
});

describe('/switchover prep: faults', () => {
  it('gives the verdict without a baseline when CloudWatch fails, and says so plainly', async () => {
    const s = await setup();
    const { h, sim } = s;
    sim.stack.cloudWatchDown = true;
    await h.slash('prep staging');
    await prepDone(s);
    expect((await journal(h)).some((r) => r.type === 'prep.baseline')).toBe(false);
    expect(blocksText(progressOf(h))).toContain(':x: *Baseline metrics*');
    const summary = summaryOf(h);
    expect(summary.text).toContain('staging: READY for switchover');
    const text = blocksText(summary);
    expect(text).toContain('No baseline:');
    expect(text).toContain('*Baseline:* none');
    expect(text).toContain('No chart:');
    expect(h.fake.uploads).toEqual([]);
  });

  it('posts a text summary that says the charts are unavailable when the chart renderer is down', async () => {
    const s = await setup();
    const { h } = s;
    await h.charts.down();
    await h.slash('prep staging');
    await prepDone(s);
    const summary = summaryOf(h);
    expect(summary.text).toContain('staging: READY for switchover');
    const text = blocksText(summary);
    expect(text).toMatch(/The chart could not be drawn: .*connection refused.* This summary is text only\./);
    expect(text).toContain('requests/min'); // the baseline table is still there
    expect(actionIds(summary)).toHaveLength(3);
    expect(h.fake.callsOf('files.getUploadURLExternal')).toEqual([]);
  });

  it('says so in the summary when the charts cannot be uploaded', async () => {
    const s = await setup();
    const { h } = s;
    h.fake.fail('files.getUploadURLExternal', 'missing_scope');
    await h.slash('prep staging');
    await prepDone(s);
    const summary = summaryOf(h);
    const text = blocksText(summary);
    expect(text).toContain('The chart could not be uploaded: ');
    expect(text).toContain('This summary is text only');
    expect(text).toContain('missing the Slack scope');
    expect(text).not.toContain("is in this message's thread");
    expect(summary.versions.length).toBe(2); // posted, then corrected in place
  });

  it('ends the progress message at the failed step with AWS\'s plain message when AWS refuses', async () => {
    const s = await setup();
    const { h, sim } = s;
    sim.stack.faults.UpdateService = { accessDenied: true };
    await h.slash('prep dev');
    await prepDone(s);
    expect(sim.stack.stage('dev').services.target.desired).toBe(0);
    const progress = blocksText(progressOf(h));
    expect(progress).toContain(':x: *Scale target proxy*');
    expect(progress).toMatch(/Could not scale migration-dev-target-cluster-proxy from 0 to 3 tasks/);
    const summary = summaryOf(h);
    expect(summary.text).toContain('dev: prep failed');
    // AWS's refusal in plain words (which permission, where), as one sentence.
    expect(blocksText(summary)).toContain('missing IAM permission ecs:UpdateService on service migration-dev-target-cluster-proxy');
    expect(blocksText(summary)).not.toContain('..');
    expect(blocksText(summary)).toContain('again is safe');
    // The intent was journaled before the call, as the audit trail requires.
    expect((await journal(h)).filter((r) => r.type === 'prep.scaled')).toHaveLength(1);
  });

  it('finishes and posts the summary when Slack refuses every progress update', async () => {
    const s = await setup();
    const { h, sim } = s;
    h.fake.fail('chat.update', 'internal_error');
    await h.slash('prep dev');
    await prepDone(s);
    expect(sim.stack.stage('dev').services.target.desired).toBe(3);
    expect(h.fake.callsOf('chat.update').length).toBeGreaterThanOrEqual(2);
    expect(summaryOf(h).text).toContain('dev: READY for switchover');
    expect(h.logs().some((l) => l.msg === 'could not update the progress message')).toBe(true);
  });

  it('keeps updating after Slack rate limits a few updates, and ends in the final state', async () => {
    const s = await setup();
    const { h } = s;
    h.fake.rateLimit('chat.update', 2, 2);
    await h.slash('prep dev');
    await prepDone(s);
    expect(blocksText(progressOf(h))).toContain('Prep `dev` finished');
    expect(summaryOf(h).text).toContain('dev: READY for switchover');
  });

  it('gives the verdict to whoever ran prep when the summary cannot be posted in the channel', async () => {
    const s = await setup();
    const { h } = s;
    const sent = await h.slash('prep staging');
    await h.fake.waitForCall('chat.postMessage'); // the progress message is up
    h.fake.fail('chat.postMessage', 'internal_error', 1);
    await prepDone(s);
    const { body } = await h.responseTo(sent);
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('The prep summary could not be posted in the channel');
    expect(body.text).toContain('staging: READY for switchover');
    expect(JSON.stringify(body.blocks)).toContain('switchover_request_shift_100');
  });

  it('does not start when the bot is not in the channel, and says how to invite it', async () => {
    const s = await setup();
    const { h, sim } = s;
    h.fake.notInChannel.add(CHANNEL);
    const sent = await h.slash('prep dev');
    const { body } = await h.responseTo(sent);
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('`/switchover prep dev` did not start');
    expect(body.text).toContain('Invite me with `/invite @switchover`');
    expect(body.text).toContain('Nothing was read or changed.');
    expect(sim.stack.calls.UpdateService).toBeUndefined();
    expect(await journal(h)).toEqual([]);
  });
});

describe('/switchover prep: one at a time per stage', () => {
  it('points a second prep at the one in progress, and runs only one', async () => {
    const s = await setup();
    const { h, sim } = s;
    await h.slash('prep dev');
    // The first prep is now waiting for the target proxy (its progress message is up).
    await drive(s, () => (sim.stack.stage('dev').services.target.desired === 3 ? true : undefined), 'the first prep scaled');
    const progress = progressOf(h);

    const second = await h.slash('prep dev', { user: BOB });
    expect(second.body).toBe('');
    const { body } = await h.responseTo(second);
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('A prep for `dev` is already in progress: started by <@U0ALICE> at 12:00 UTC');
    expect(body.text).toContain(`<https://example.slack.com/archives/${CHANNEL}/p${progress.ts.replace('.', '')}|its progress message>`);
    expect(body.text).toContain('Nothing was started.');

    // A prep of another stage is not held up.
    await h.slash('prep staging', { user: BOB });
    await prepDone(s, 2);
    expect(sim.stack.calls.UpdateService).toBe(1);
    const summaries = channelMessages(h).filter((m) => /READY|BLOCKED|prep failed/.test(m.text ?? ''));
    expect(summaries.map((m) => m.text?.split(':')[0]).sort()).toEqual(['dev', 'staging']);

    // Once it is over, prep can run again.
    await h.slash('prep dev', { user: BOB });
    await prepDone(s, 3);
    expect(sim.stack.calls.UpdateService).toBe(1);
  });
});
