// `/switchover status [<stage>]` end to end: signed slash commands into the real app, the simulated stack behind
// the real AWS adapters on a ManualClock, a fake Slack recording what was posted, a fake chart renderer.
import { ManualClock } from '../../../src/adapters/clock';
import type { Baseline } from '../../../src/core/journal';
import { MINUTE_MS } from '../../../src/core/types';
import type { FakeMessage, RecordedCall } from '../../support/fake-slack';
import { CHANNEL, OPERATOR, startHarness, type Harness } from '../../support/slack-harness';

const APPROVER = 'U0BOB';
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

const BASELINE: Baseline = {
  start: T0 - 16 * MINUTE_MS,
  end: T0 - MINUTE_MS,
  minutesWithTraffic: 15,
  requestsPerMinute: 900,
  http2xx: 13000,
  http3xx: 10,
  http4xx: 200,
  http5xx: 27,
  errorRate5xx: 0.002,
  latencyAvg: 0.045,
  latencyP99: 0.2,
  activeConnections: 80,
  newConnections: 70,
  missing: [],
};

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function text(message: { text?: string; blocks?: unknown[] } | undefined): string {
  return `${message?.text ?? ''}\n${JSON.stringify(message?.blocks ?? [])}`;
}

describe('/switchover status', () => {
  let h: Harness;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(T0);
    h = await startHarness({}, { clock });
  });
  afterEach(async () => {
    await h.stop();
  });

  /** Sends the command and resolves with the status message it posted in the channel (and its upload calls). */
  async function status(stage: string): Promise<{ message: FakeMessage; completes: RecordedCall[] }> {
    const before = h.fake.messages.length;
    const done = () => h.logs().filter((l) => l.msg === 'status posted').length;
    const doneBefore = done();
    const sent = await h.slash(`status ${stage}`);
    expect(sent.body).toBe('');
    const message = await h.fake.waitFor(
      () => h.fake.messages.slice(before).find((m) => m.channel === CHANNEL && !m.threadTs && /Switchover status/.test(m.text ?? '')),
      'the status message',
    );
    // The handler is done (charts uploaded, or the note added) once it logged so.
    await until(() => done() > doneBefore, 'the end of the status command');
    const completes = h.fake.callsOf('files.completeUploadExternal').filter((c) => c.args.thread_ts === message.ts);
    return { message, completes };
  }

  /** A shift applied through the approval service, as the approve button does. */
  async function applyShift(stage: string, percent: number): Promise<string> {
    const created = await h.deps.approvals.requestShift({ stage, requester: OPERATOR, channel: CHANNEL, percent });
    if (created.outcome !== 'created') throw new Error(created.reason);
    const applied = await h.deps.approvals.approve({ requestId: created.request.id, userId: APPROVER });
    if (applied.outcome !== 'applied') throw new Error(JSON.stringify(applied));
    return created.request.id;
  }

  it('posts the full status in the channel and its chart in the thread, with the applied change marked', async () => {
    await h.deps.core.journal.append({ type: 'prep.baseline', at: new Date(T0).toISOString(), stage: 'staging', by: OPERATOR, baseline: BASELINE });
    await clock.advance(2 * MINUTE_MS);
    const requestId = await applyShift('staging', 10);
    await clock.advance(10 * MINUTE_MS);

    const { message, completes } = await status('staging');
    const shown = text(message);
    expect(message.text).toMatch(/^Switchover status of staging: 10% configured, [\d.]+% observed/);
    expect(shown).toContain('source 90 / target 10 (10% of new traffic to the target proxy)');
    expect(shown).toContain('*Observed split:* source ');
    expect(shown).toMatch(/Targets: 2\/2 healthy/);
    expect(shown).toContain('ECS tasks: 2/2 running');
    expect(shown).toContain('(baseline 900)');
    expect(shown).toMatch(/p99 \d+ ms \(baseline 200 ms, [\d.]+x\)/);
    expect(shown).toContain('baseline from prep (11:44-11:59 UTC, 15 minutes with traffic)');
    expect(shown).toContain(`*Last applied change:* ${requestId}: shift 10% at 2026-01-01 12:02 UTC, approved by <@${APPROVER}>`);
    expect(shown).toContain('*Open request:* none');
    expect(shown).toContain(`Asked for by <@${OPERATOR}>`);
    expect(shown).toMatch(/\d+ active \/ \d+ new per minute \(baseline 80 active \/ 70 new\)/);
    expect(shown).not.toContain('Could not read');

    // One picture, shared in the status message's thread: its headline states the split, the change is marked
    // on every panel, the configured weight steps to 10 % at the change, and the guardrails' margins are drawn.
    expect(completes.map((c) => (c.args.files as { title: string }[]).map((f) => f.title))).toEqual([
      [expect.stringMatching(/^staging · [\d.]+% of requests on the target · 5xx /)],
    ]);
    expect(h.charts.posted).toHaveLength(1);
    const config = h.charts.posted[0]!.config as {
      data: { datasets: { label: string; data: (number | null)[] }[] };
      options: { plugins: { annotation: { annotations: Record<string, { label?: { content: string } }> } } };
    };
    const notes = config.options.plugins.annotation.annotations;
    expect(notes.change0_yShare!.label!.content).toBe('12:02 shift 10%');
    expect(Object.keys(notes)).toEqual(expect.arrayContaining(['change0_yErrors', 'change0_yLatency', 'limit_yErrors', 'limit_yLatency']));
    const weight = config.data.datasets.find((d) => d.label === 'configured weight')!.data;
    expect([weight[0], weight.at(-1)]).toEqual([0, 10]);
    // The message stayed as posted: no charts note.
    expect(message.versions).toHaveLength(1);
  });

  it('says there is no baseline and shows the open request', async () => {
    const created = await h.deps.approvals.requestShift({ stage: 'staging', requester: OPERATOR, channel: CHANNEL, percent: 25 });
    expect(created.outcome).toBe('created');
    const { message } = await status('staging');
    const shown = text(message);
    expect(shown).toContain('no baseline (run /switchover prep staging)');
    expect(shown).toMatch(/\*Open request:\* r-\S+: shift 25% to the target proxy, by <@U0ALICE>, expires 12:15 UTC/);
    expect(shown).toContain('*Last applied change:* none recorded');
    expect(message.text).toContain('0% configured, 0% observed');
  });

  it('without a stage lists every stage, one line each, only to the caller', async () => {
    await applyShift('staging', 10);
    const created = await h.deps.approvals.requestShift({ stage: 'staging', requester: OPERATOR, channel: CHANNEL, percent: 50 });
    expect(created.outcome).toBe('created');
    const posts = h.fake.callsOf('chat.postMessage').length;
    const sent = await h.slash('status');
    const { body } = await h.responseTo(sent);
    expect(body.response_type).toBe('ephemeral');
    const shown = JSON.stringify(body.blocks);
    expect(shown).toContain('*dev*: source 1 / target 0 (all new traffic to the source proxy)');
    expect(shown).toMatch(/\*staging\*: source 90 \/ target 10 \(10% of new traffic to the target proxy\)  :hourglass_flowing_sand: open request r-\S+: shift 50%/);
    expect(body.text).toBe('2 stages, 1 with an open request');
    expect(h.fake.callsOf('chat.postMessage')).toHaveLength(posts);
  });

  it('answers an unknown stage only to the caller, naming what was not found', async () => {
    const sent = await h.slash('status nope');
    const { body } = await h.responseTo(sent);
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toMatch(/^Could not read the status of nope: .*MigrationAssistant-nope/);
    expect(h.fake.callsOf('chat.postMessage')).toHaveLength(0);
  });

  it('answers with everything else when CloudWatch is down, and says there are no charts', async () => {
    h.deps.simulation!.stack.cloudWatchDown = true;
    const { message, completes } = await status('dev');
    const first = text(message.versions[0]);
    expect(first).toMatch(/0% configured; observed split unknown \(.*simulated CloudWatch outage/);
    expect(first).toContain('source 1 / target 0 (all new traffic to the source proxy)');
    expect(first).toContain('Targets: 3/3 healthy');
    expect(first).toContain(':warning: Could not read: CloudWatch: every metric');
    expect(completes).toHaveLength(0);
    expect(h.charts.posted).toHaveLength(0);
    expect(text(message)).toContain('No chart: CloudWatch metrics could not be read (every metric');
  });

  it('says so in the message when the chart renderer fails, and keeps the status', async () => {
    h.charts.mode = 'error500';
    const { message, completes } = await status('dev');
    expect(completes).toHaveLength(0);
    expect(message.versions).toHaveLength(2);
    expect(text(message)).toContain('The chart could not be drawn: ');
    expect(text(message)).toContain('The figures above are complete.');
  });

  it('says so in the message when Slack refuses the chart upload', async () => {
    h.fake.fail('files.getUploadURLExternal', 'ratelimited');
    const { message } = await status('dev');
    expect(text(message)).toContain('The chart could not be uploaded: Slack is rate limiting the bot right now');
  });

  it('shows the status to the caller when the bot cannot post in the channel', async () => {
    h.fake.notInChannel.add(CHANNEL);
    const sent = await h.slash('status dev');
    const { body } = await h.responseTo(sent);
    expect(body.response_type).toBe('ephemeral');
    const shown = JSON.stringify(body.blocks);
    expect(shown).toContain('I could not post the status in the channel: I am not a member of this channel');
    expect(shown).toContain('Switchover status: dev');
    expect(h.fake.uploads).toHaveLength(0);
  });

  it.each([1, 200])('costs the same 5 AWS calls with %i target(s) in the target proxy group', async (targets) => {
    const { stack } = h.deps.simulation!;
    stack.stage('dev').setDesired('target', targets, clock.now());
    await clock.advance(2 * MINUTE_MS); // tasks start and register
    await status('dev'); // discovery, cached from here on
    stack.resetCalls();
    const { message } = await status('dev');
    expect(text(message)).toContain(`Targets: ${targets}/${targets} healthy`);
    expect(stack.calls).toEqual({
      DescribeRules: 1,
      DescribeTargetHealth: 2,
      DescribeServices: 1,
      GetMetricData: 1,
    });
  });
});
