// Buttons that ask for a change: prep's shift buttons, "Request fallback" on a guardrail alert, and
// "Request force reconnect". Same rules as the commands: operators only, in the switchover channels.
import { shiftActionId } from '../../../src/blocks/prep';
import { REQUEST_FALLBACK_ACTION, REQUEST_FORCE_RECONNECT_ACTION } from '../../../src/blocks/watch';
import { CHANNEL } from '../../support/slack-harness';
import { ALICE, approveAll, MALLORY, setWeightsBehindTheBot, shown, startRequestHarness, type RequestHarness } from './request-support';

const PREP_MESSAGE_TS = '1767268000.000100';

describe('buttons that ask for a change', () => {
  let h: RequestHarness;
  beforeEach(async () => {
    h = await startRequestHarness({ SWITCHOVER_CHANNELS: CHANNEL });
  });
  afterEach(async () => {
    await h.stop();
  });

  async function click(actionId: string, value: string, user = ALICE, channel = CHANNEL): Promise<string> {
    const sent = await h.click(actionId, value, { user, channel, messageTs: PREP_MESSAGE_TS });
    expect(sent.status).toBe(200);
    const { body } = await h.responseTo(sent);
    expect(body.response_type).toBe('ephemeral');
    expect(body.replace_original).toBe(false); // the prep summary or the alert stays as it is
    return String(body.text);
  }

  it("prep's shift button posts a request in the channel, like /switchover shift", async () => {
    const answer = await click(shiftActionId(50), JSON.stringify({ stage: 'staging', percent: 50 }));
    const req = h.deps.approvals.openRequest('staging')!;
    expect(answer).toContain(`Your request ${req.id} to shift 50% of new traffic to the target proxy on staging is posted`);
    const message = h.fake.messages.find((m) => m.ts === req.messageTs)!;
    expect(message.channel).toBe(CHANNEL);
    expect(shown(message)).toMatch(/Proposed:\* source 50 \/ target 50/);
    await approveAll(h, req.id, message.ts);
    expect(h.stack.stage('staging').weights()).toEqual({ source: 50, target: 50 });
  });

  it('refuses a shift button pressed by someone who is not an operator', async () => {
    const answer = await click(shiftActionId(10), JSON.stringify({ stage: 'staging', percent: 10 }), MALLORY);
    expect(answer).toContain(`Only <@${ALICE}> may run \`/switchover shift staging 10\``);
    expect(h.deps.approvals.openRequest('staging')).toBeUndefined();
  });

  it('refuses a button pressed outside the switchover channels', async () => {
    const answer = await click(REQUEST_FALLBACK_ACTION, 'staging', ALICE, 'C0ELSEWHERE');
    expect(answer).toContain('is not accepted in this channel');
    expect(h.deps.approvals.openRequest('staging')).toBeUndefined();
  });

  it('refuses a shift button whose value is not one the bot wrote', async () => {
    expect(await click(shiftActionId(10), 'garbage')).toContain('carries no valid stage and percent');
  });

  it('"Request fallback" on a guardrail alert posts a fallback request', async () => {
    setWeightsBehindTheBot(h.stack, 'staging', { source: 0, target: 100 });
    const answer = await click(REQUEST_FALLBACK_ACTION, 'staging');
    expect(answer).toContain('to fall back to the source proxy (all new traffic) on staging is posted');
    const req = h.deps.approvals.openRequest('staging')!;
    await approveAll(h, req.id, req.messageTs!);
    expect(h.stack.stage('staging').weights()).toEqual({ source: 100, target: 0 });
  });

  it('"Request force reconnect" posts a capture proxy restart request; approving it restarts the service once', async () => {
    const answer = await click(REQUEST_FORCE_RECONNECT_ACTION, 'staging');
    expect(answer).toContain('restart the capture proxy so pinned clients reconnect on staging');
    const req = h.deps.approvals.openRequest('staging')!;
    const updates = h.stack.calls.UpdateService ?? 0;
    const final = await approveAll(h, req.id, req.messageTs!);
    expect(shown(final)).toContain('A rolling restart of the capture proxy has started');
    expect(h.stack.calls.UpdateService).toBe(updates + 1);
    expect(h.stack.calls.ModifyListener ?? 0).toBe(0);
    await h.fake.waitFor(() => h.fake.messages.find((m) => m.threadTs === req.messageTs && /is restarting/.test(m.text ?? '')), 'the restart note');
  });
});
