// Approve and Reject on a request message, end to end: expiry, rejection, double clicks and a click that
// Slack replays. The request is applied at most once, counted on the simulated listener.
import { APPROVE_ACTION } from '../../../src/blocks/request';
import { formatTime } from '../../../src/core/format';
import {
  ALICE,
  approveAll,
  BOB,
  clickApprove,
  clickReject,
  ephemeralsTo,
  MALLORY,
  messageShows,
  request,
  shown,
  startRequestHarness,
  submitApproval,
  logged,
  type RequestHarness,
} from './request-support';

const MINUTE = 60_000;

describe('Approve and Reject', () => {
  let h: RequestHarness;
  beforeEach(async () => {
    h = await startRequestHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('expires an unapproved request after SWITCHOVER_APPROVAL_TTL_MINUTES: the message shows it and clicks are refused', async () => {
    const { request: req, message } = await request(h, 'shift staging 10');
    await h.clock.advance(14 * MINUTE);
    expect(h.deps.approvals.get(req.id)!.status).toBe('open');
    await h.clock.advance(2 * MINUTE); // the sweeper runs every 30 s
    const final = await messageShows(h, message.ts, 'Expired');
    expect(shown(final)).toContain('without approval. Nothing changed.');
    expect(shown(final)).not.toContain(APPROVE_ACTION);

    const { refusal } = await clickApprove(h, req.id, BOB, message.ts);
    expect(refusal).toContain('is no longer open: expired');
    expect(h.stack.calls.ModifyListener ?? 0).toBe(0);
  });

  it('refuses a click on a request that is past its expiry before the sweeper saw it, and marks the message expired', async () => {
    await h.deps.background.find((t) => t.name === 'approvals')!.stop(); // no sweeping: the click finds it first
    const { request: req, message } = await request(h, 'shift staging 10');
    await h.clock.advance(16 * MINUTE);
    const { refusal } = await clickApprove(h, req.id, BOB, message.ts);
    expect(refusal).toContain(`expired at ${formatTime(req.expiresAt)} without approval; nothing changed`);
    await messageShows(h, message.ts, 'Expired');
    // A dialog opened before the expiry and submitted after it applies nothing either.
    await submitApproval(h, req.id, BOB);
    const [told] = await ephemeralsTo(h, BOB);
    expect(told).toContain('is no longer open: expired');
    expect(h.stack.calls.ModifyListener ?? 0).toBe(0);
  });

  it('closes a request rejected by an approver or by the requester; anyone else is refused', async () => {
    const first = await request(h, 'shift staging 10');
    const mallory = await clickReject(h, first.request.id, MALLORY, first.message.ts);
    const refusal = await h.fake.waitFor(() => mallory.responses()[0], 'the refusal');
    expect(refusal.response_type).toBe('ephemeral');
    expect(String(refusal.text)).toContain('You cannot reject');
    expect(String(refusal.text)).toContain('The request stays open.');
    expect(h.deps.approvals.get(first.request.id)!.status).toBe('open');

    await clickReject(h, first.request.id, BOB, first.message.ts);
    expect(shown(await messageShows(h, first.message.ts, 'Rejected'))).toContain(`Rejected by <@${BOB}>`);

    const second = await request(h, 'shift staging 10');
    await clickReject(h, second.request.id, ALICE, second.message.ts);
    expect(shown(await messageShows(h, second.message.ts, 'Rejected'))).toContain(`Rejected by <@${ALICE}>`);
    expect(h.stack.calls.ModifyListener ?? 0).toBe(0);
  });

  it('applies once when the approver double-clicks and submits the dialog twice', async () => {
    const { request: req, message } = await request(h, 'shift staging 10');
    const a = await clickApprove(h, req.id, BOB, message.ts);
    const b = await clickApprove(h, req.id, BOB, message.ts);
    expect(a.dialog && b.dialog).toBeDefined();
    await submitApproval(h, req.id, BOB);
    await messageShows(h, message.ts, 'Applied');
    await submitApproval(h, req.id, BOB);
    const [told] = await ephemeralsTo(h, BOB);
    expect(told).toContain('is no longer open: applied');
    expect(h.stack.calls.ModifyListener).toBe(1);
    // A click on Approve after it was applied no longer opens a dialog.
    const late = await clickApprove(h, req.id, BOB, message.ts);
    expect(late.refusal).toContain('is no longer open: applied');
  });

  it('applies once when Slack replays the submission (x-slack-retry-num), and says nothing twice', async () => {
    const { request: req, message } = await request(h, 'shift staging 10');
    await clickApprove(h, req.id, BOB, message.ts);
    await submitApproval(h, req.id, BOB);
    await messageShows(h, message.ts, 'Applied');
    await submitApproval(h, req.id, BOB, 1);
    await submitApproval(h, req.id, BOB, 2);
    await logged(h, () => h.logs().filter((l) => l.msg === 'approval refused').length === 2, 'both replays refused');
    expect(h.stack.calls.ModifyListener).toBe(1);
    expect(h.fake.callsOf('chat.postEphemeral')).toHaveLength(0);
    expect(h.stack.stage('staging').weights()).toEqual({ source: 90, target: 10 });
  });

  it('opens the dialog with exactly what will change', async () => {
    const { request: req, message } = await request(h, 'shift staging 30');
    const { dialog } = await clickApprove(h, req.id, BOB, message.ts);
    const view = JSON.stringify(dialog!.args.view);
    expect(view).toContain('Weights now:* source 1 / target 0');
    expect(view).toContain('Will become:* source 70 / target 30');
    expect(view).toContain(`<@${ALICE}>`);
    expect(dialog!.args.trigger_id).toMatch(/\.1767268800\./);
    await approveAll(h, req.id, message.ts);
  });
});
