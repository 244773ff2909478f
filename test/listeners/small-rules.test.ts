// Issue 12, item 6 (and the repeated-field rule of item 4), through the Slack harness on the simulated stack:
// Approve, Reject and the approval dialog obey SWITCHOVER_CHANNELS; cancel is for the requester or an approver,
// as the usage and README say; stage names with a leading hyphen, an invisible or a look-alike character are
// refused with the character's code point; a forged button value is never echoed; a field sent twice is refused.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPROVE_ACTION, APPROVE_CONFIRM_CALLBACK, REJECT_ACTION } from '../../src/blocks/request';
import { usageOf } from '../../src/commands/usage';
import { signedHeaders } from '../support/slack-signature';
import { CHANNEL, SIGNING_SECRET } from '../support/slack-harness';
import {
  ALICE,
  BOB,
  CAROL,
  clickApprove,
  command,
  ephemeralsTo,
  MALLORY,
  messageShows,
  request,
  startRequestHarness,
  type RequestHarness,
} from './actions/request-support';

const ELSEWHERE = 'C0ELSEWHERE';

describe('small rules made consistent (issue 12, item 6)', () => {
  let h: RequestHarness;
  beforeEach(async () => {
    h = await startRequestHarness({ SWITCHOVER_CHANNELS: CHANNEL });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('refuses Approve and Reject clicked outside SWITCHOVER_CHANNELS, and changes nothing', async () => {
    const { request: req, message } = await request(h, 'shift staging 10');
    for (const action of [APPROVE_ACTION, REJECT_ACTION]) {
      const sent = await h.click(action, req.id, { user: BOB, channel: ELSEWHERE, messageTs: message.ts });
      const { body } = await h.responseTo(sent);
      expect(body.response_type).toBe('ephemeral');
      expect(String(body.text)).toContain('is not accepted in this channel');
      expect(String(body.text)).toContain(`<#${CHANNEL}>`);
    }
    expect(h.fake.callsOf('views.open')).toHaveLength(0);
    expect(h.deps.approvals.get(req.id)!.status).toBe('open');
  });

  it('refuses the approval dialog for a request whose channel is not one of SWITCHOVER_CHANNELS', async () => {
    const created = await h.deps.approvals.requestShift({ stage: 'staging', requester: ALICE, channel: ELSEWHERE, percent: 10 });
    if (created.outcome !== 'created') throw new Error(created.reason);
    await h.submitView(APPROVE_CONFIRM_CALLBACK, created.request.id, BOB);
    const [told] = await ephemeralsTo(h, BOB);
    expect(told).toContain('is not accepted in this channel');
    expect(h.deps.approvals.get(created.request.id)!.status).toBe('open');
    expect(h.stack.calls.ModifyListener ?? 0).toBe(0);
  });

  it('never echoes a forged button value: `<!channel>` as a request ID is refused without repeating it', async () => {
    for (const action of [APPROVE_ACTION, REJECT_ACTION]) {
      const sent = await h.click(action, '<!channel>', { user: BOB });
      const { body } = await h.responseTo(sent);
      expect(String(body.text)).toContain('names no request of switchover-bot');
      expect(String(body.text)).not.toContain('<!');
    }
    expect(h.rawLogs()).not.toContain('There is no request <!channel>');
  });

  it('escapes a slash command text that arrives unescaped instead of echoing a mention', async () => {
    const reply = await command(h, 'prep <!channel>');
    expect(reply).toContain('&lt;!channel&gt;');
    expect(reply).not.toContain('<!channel>');
  });

  it('lets the requester and an approver (not an operator) cancel, and refuses anyone else, as usage and README say', async () => {
    expect(usageOf('cancel').summary).toContain('its requester or an approver');
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    expect(readme).toMatch(/\| `\/switchover cancel <stage>` \| [^|]+ \| its requester, or an approver/);

    await request(h, 'shift staging 10');
    expect(await command(h, 'cancel staging', MALLORY)).toContain('only the requester');
    expect(h.deps.approvals.openRequest('staging')).toBeDefined();
    // Carol approves (through the approver group) but is no operator: she may still withdraw it.
    const { message } = { message: h.fake.messages.find((m) => m.ts === h.deps.approvals.openRequest('staging')!.messageTs)! };
    expect(await command(h, 'cancel staging', CAROL)).toContain('Cancelled');
    await messageShows(h, message.ts, 'Cancelled');

    await request(h, 'shift staging 10');
    expect(await command(h, 'cancel staging', ALICE)).toContain('Cancelled');
  });

  it.each([
    ['-', 'starts with `-`'],
    ['---', 'starts with `-`'],
    ['dev\u200b', 'U+200B'],
    ['d\u0435v', 'U+0435'],
    ['\uff44ev', 'U+FF44'],
  ])('refuses the stage name %j, naming what is wrong', async (stage, why) => {
    const reply = await command(h, `prep ${stage}`);
    expect(reply).toContain('is not a stage name');
    expect(reply).toContain(why);
    expect(h.stack.calls.DescribeLoadBalancers ?? 0).toBe(0);
  });

  it('refuses a slash command whose field arrives twice, and stores nothing (issue 12, item 4)', async () => {
    const { rawBody } = h.signedSlash('shift staging 10', { user: ALICE });
    const forged = `${rawBody}&channel_id=${ELSEWHERE}`;
    const answer = await h.post(forged, { 'content-type': 'application/x-www-form-urlencoded', ...signedHeaders(SIGNING_SECRET, forged) });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).text).toContain('`channel_id` sent more than once');
    expect(h.deps.approvals.openRequest('staging')).toBeUndefined();
    const history = await h.deps.approvals.history('staging');
    expect(history.entries).toHaveLength(0);
  });

  it('refuses a Reject of a request by someone neither requester nor approver (same rule as cancel)', async () => {
    const { request: req, message } = await request(h, 'shift staging 10');
    const sent = await h.click(REJECT_ACTION, req.id, { user: MALLORY, messageTs: message.ts });
    const { body } = await h.responseTo(sent);
    expect(String(body.text)).toContain('only the requester');
    const { dialog } = await clickApprove(h, req.id, BOB, message.ts);
    expect(dialog).toBeDefined();
  });
});
