// `/switchover` through the real app and a fake Slack: parsing, access control, routing and logging.
import { Semaphore } from 'async-mutex';
import { BOT_TOKEN, CHANNEL, OPERATOR, SIGNING_SECRET, startHarness, type Harness } from '../../support/slack-harness';

const OTHER_CHANNEL = 'C0ELSEWHERE';
const STRANGER = 'U0MALLORY';
const GROUP_MEMBER = 'U0CAROL';
const OPS_GROUP = 'S0OPS';

type Ack = { response_type?: string; text?: string };

/** Slack calls after start-up (auth.test is the start-up token check). */
function callsAfterStart(h: Harness) {
  return h.fake.calls.filter((c) => c.method !== 'auth.test');
}

describe('/switchover with no access lists', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it.each(['help', ''])('answers %j with usage only the caller sees, in the acknowledgement', async (text) => {
    const before = callsAfterStart(h).length;
    const sent = await h.slash(text);
    expect(sent.status).toBe(200);
    const body = sent.body as Ack & { blocks?: unknown[] };
    expect(body.response_type).toBe('ephemeral');
    expect(callsAfterStart(h)).toHaveLength(before);
    expect(h.responsesTo(sent)).toEqual([]);
    const blocks = JSON.stringify(body.blocks);
    expect(blocks).toContain('Two-person rule');
    expect(blocks).toContain('someone other than the requester');
    expect(blocks).toContain('within 15 minutes');
    expect(body.text).toContain('/switchover shift &lt;stage&gt; &lt;percent&gt;');
  });

  it.each([
    ['shfit dev 10', '`shfit` is not a /switchover command', 'Did you mean `/switchover shift`?'],
    ['prep', 'the stage is missing', '`/switchover prep &lt;stage&gt;`'],
    ['prep dev_1', 'is not a stage name', '`/switchover prep &lt;stage&gt;`'],
    ['shift dev abc', 'the percent must be a whole number from 0 to 100', '`/switchover shift dev 10`'],
    ['shift dev 150', 'the percent must be a whole number from 0 to 100', '`/switchover shift dev 10`'],
    ['shift dev 12.5', 'the percent must be a whole number from 0 to 100', '`/switchover shift dev 10`'],
    ['shift dev', 'the percent is missing', '`/switchover shift dev 10`'],
    ['fallback dev now', 'unexpected `now`', '`/switchover fallback &lt;stage&gt;`'],
    ['history dev zero', 'the page must be a whole number from 1 up', '`/switchover history dev 2`'],
  ])('refuses %j in the acknowledgement, says what was wrong and the right form, and calls nothing', async (text, wrong, form) => {
    const before = callsAfterStart(h).length;
    const sent = await h.slash(text);
    expect(sent.status).toBe(200);
    const ack = sent.body as Ack;
    expect(ack.response_type).toBe('ephemeral');
    expect(ack.text).toContain(wrong);
    expect(ack.text).toContain(form);
    expect(callsAfterStart(h)).toHaveLength(before);
    expect(h.responsesTo(sent)).toEqual([]);
  });

  it('logs user, channel and command as JSON, and never a token or the signing secret', async () => {
    const sent = await h.slash('shift dev 10', { user: 'U0DAVE', channel: 'C0LOGS' });
    await h.responseTo(sent);
    const line = h.logs().find((l) => l.user === 'U0DAVE' && l.msg === 'slash command');
    expect(line).toMatchObject({ channel: 'C0LOGS', command: 'shift', stage: 'dev', percent: 10, outcome: 'accepted', level: 'info' });
    const raw = h.rawLogs();
    expect(raw).not.toContain(BOT_TOKEN);
    expect(raw).not.toContain(SIGNING_SECRET);
    expect(raw).not.toContain('harness-verification-token');
  });
});

describe('/switchover with channel and operator lists', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ SWITCHOVER_CHANNELS: CHANNEL, SWITCHOVER_OPERATORS: `${OPERATOR},${OPS_GROUP}` });
  });
  beforeEach(() => {
    h.fake.clearFailures();
    h.fake.groups = { [OPS_GROUP]: [GROUP_MEMBER] };
  });
  afterAll(async () => {
    await h.stop();
  });

  it('refuses a command outside the switchover channels, naming where to run it', async () => {
    const sent = await h.slash('status dev', { channel: OTHER_CHANNEL });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({
      response_type: 'ephemeral',
      text: `\`/switchover status dev\` is not accepted in this channel. Run it in <#${CHANNEL}>, where the switchover is coordinated.`,
    });
    expect(h.responsesTo(sent)).toEqual([]);
  });

  it('refuses operator commands outside the channels before asking Slack anything', async () => {
    const before = callsAfterStart(h).length;
    const sent = await h.slash('shift dev 10', { channel: OTHER_CHANNEL, user: OPERATOR });
    expect((sent.body as Ack).text).toContain('is not accepted in this channel');
    expect(callsAfterStart(h)).toHaveLength(before);
  });

  it('shows help anywhere, with the channel and the operators', async () => {
    const sent = await h.slash('help', { channel: OTHER_CHANNEL, user: STRANGER });
    const body = sent.body as Ack & { blocks?: unknown[] };
    const blocks = JSON.stringify(body.blocks);
    expect(blocks).toContain(`Commands are accepted in <#${CHANNEL}>`);
    expect(blocks).toContain(`<@${OPERATOR}> or <!subteam^${OPS_GROUP}>`);
  });

  it('lets anyone in the channel read status', async () => {
    const sent = await h.slash('status', { user: STRANGER });
    const { body } = await h.responseTo(sent);
    expect(body.text).toBe('2 stages');
  });

  it('refuses a non-operator, naming who may do it and the setting', async () => {
    const sent = await h.slash('shift dev 10', { user: STRANGER });
    expect(sent.body).toBe('');
    const { body } = await h.responseTo(sent);
    expect(body).toEqual({
      response_type: 'ephemeral',
      text: `Only <@${OPERATOR}> or <!subteam^${OPS_GROUP}> may run \`/switchover shift dev 10\`. Ask one of them, or ask an admin to add you to SWITCHOVER_OPERATORS.`,
    });
    const line = h.logs().find((l) => l.user === STRANGER && l.refusal === 'operator');
    expect(line).toMatchObject({ channel: CHANNEL, command: 'shift', outcome: 'refused' });
  });

  it('lets a listed operator through without asking Slack about groups', async () => {
    const before = h.fake.callsOf('usergroups.users.list').length;
    const sent = await h.slash('fallback dev', { user: OPERATOR });
    const { body } = await h.responseTo(sent);
    expect(body.text).toContain('already has source 1 / target 0'); // reached the fallback handler
    expect(h.fake.callsOf('usergroups.users.list')).toHaveLength(before);
  });

  it('lets a member of an operator group through', async () => {
    const sent = await h.slash('cancel dev', { user: GROUP_MEMBER });
    const { body } = await h.responseTo(sent);
    expect(body.text).toContain('dev has no open request or running plan to cancel'); // reached the cancel handler
    const lookup = h.fake.callsOf('usergroups.users.list').at(-1);
    expect(lookup?.args).toEqual({ usergroup: OPS_GROUP });
  });
});

describe('/switchover when a user group cannot be read', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ SWITCHOVER_OPERATORS: OPS_GROUP });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('refuses and says the group could not be checked (never lets the user through)', async () => {
    h.fake.fail('usergroups.users.list', 'missing_scope');
    const sent = await h.slash('shift dev 10', { user: GROUP_MEMBER });
    const { body } = await h.responseTo(sent);
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain(`I could not check whether you may run \`/switchover shift dev 10\`: the members of <!subteam^${OPS_GROUP}> could not be read`);
    expect(body.text).toContain('missing the Slack scope');
  });

  it('refuses when Slack rate limits the lookup', async () => {
    h.fake.clearFailures();
    h.fake.rateLimit('usergroups.users.list', 30);
    const sent = await h.slash('fallback dev', { user: GROUP_MEMBER });
    const { body } = await h.responseTo(sent);
    expect(body.text).toContain('could not be read (Slack is rate limiting the bot right now');
  });
});

describe('/switchover when a handler fails', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(
      { SWITCHOVER_OPERATORS: OPERATOR },
      {
        people: {
          isListed: async () => {
            throw new Error('directory exploded');
          },
        },
      },
    );
  });
  afterAll(async () => {
    await h.stop();
  });

  it('tells the operator what failed instead of going silent, and logs it', async () => {
    const sent = await h.slash('prep dev', { user: 'U0DAVE' });
    const { body } = await h.responseTo(sent);
    expect(body).toEqual({ response_type: 'ephemeral', text: '`/switchover prep dev` failed: directory exploded' });
    expect(h.logs().find((l) => l.outcome === 'failed')).toMatchObject({ user: 'U0DAVE', command: 'prep', level: 'error' });
  });
});

describe('/switchover under a burst of reads', () => {
  let h: Harness;
  beforeAll(async () => {
    // One read at a time, and every AWS call slowed, so the reads visibly queue.
    h = await startHarness({}, { reads: new Semaphore(1) });
    h.deps.simulation!.stack.faults['*'] = { latencyMs: 150 };
  });
  afterAll(async () => {
    await h.stop();
  });

  it('acknowledges every command at once, answers reads in turn, and never makes a change request wait behind them', async () => {
    const statuses = await Promise.all([1, 2, 3].map(() => h.slash('status dev')));
    expect(statuses.map((s) => [s.status, s.body])).toEqual([
      [200, ''],
      [200, ''],
      [200, ''],
    ]);
    const shift = await h.slash('shift staging 10');
    expect(shift.body).toBe('');

    const statusesPosted = () => h.logs().filter((l) => l.msg === 'status posted').length;
    await h.fake.waitFor(() => h.fake.messages.find((m) => m.text?.startsWith('Switchover request on staging')), 'the shift request', 10_000);
    // The request went up while the queued statuses were still waiting for their turn.
    expect(statusesPosted()).toBeLessThan(3);

    for (const deadline = Date.now() + 10_000; statusesPosted() < 3; ) {
      if (Date.now() > deadline) throw new Error(`only ${statusesPosted()} of 3 statuses were posted`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
});
