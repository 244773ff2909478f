// `/switchover shift` end to end: the real app, signed Slack requests, a fake Slack recording every call and the
// simulated stack behind the real AWS adapters. Alice asks; Bob (in the approver group) approves.
import { APPROVE_CONFIRM_CALLBACK } from '../../../src/blocks/request';
import { CHANNEL } from '../../support/slack-harness';
import {
  ALICE,
  approveAll,
  BOB,
  clickApprove,
  command,
  ephemeralsTo,
  MALLORY,
  messageShows,
  request,
  setWeightsBehindTheBot,
  shown,
  startRequestHarness,
  submitApproval,
  type RequestHarness,
} from '../actions/request-support';

describe('/switchover shift', () => {
  let h: RequestHarness;
  beforeEach(async () => {
    h = await startRequestHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('posts a request with the preview in the channel; an approver applies it and the message shows what AWS now has', async () => {
    const { request: req, message, reply } = await request(h, 'shift staging 25');
    expect(reply).toContain(`Your request ${req.id} to shift 25% of new traffic to the target proxy on staging is posted`);
    // A channel message, not ephemeral, with the preview and the buttons.
    expect(message.channel).toBe(CHANNEL);
    expect(message.threadTs).toBeUndefined();
    const preview = shown(message);
    expect(preview).toContain('Request: shift 25% of new traffic to the target proxy on staging');
    expect(preview).toMatch(/Weights now:\* source 1 \/ target 0/);
    expect(preview).toMatch(/Proposed:\* source 75 \/ target 25/);
    expect(preview).toContain('ALBSourceProxy-staging-TG');
    expect(preview).toContain('ALBTargetProxy-staging-TG');
    expect(preview).toContain('Target proxy tasks');
    expect(preview).toContain(`<@${ALICE}>`);
    expect(preview).toContain('Expires');
    expect(preview).toContain('switchover_approve');
    expect(preview).toContain('switchover_reject');

    const calls = h.stack.calls.ModifyListener ?? 0;
    const { dialog } = await clickApprove(h, req.id, BOB, message.ts);
    const view = dialog!.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(APPROVE_CONFIRM_CALLBACK);
    expect(view.private_metadata).toBe(req.id);
    expect(h.stack.calls.ModifyListener ?? 0).toBe(calls); // nothing applied before the dialog is submitted

    await submitApproval(h, req.id, BOB);
    const final = await messageShows(h, message.ts, 'Applied');
    expect(h.stack.stage('staging').weights()).toEqual({ source: 75, target: 25 });
    expect(h.stack.calls.ModifyListener).toBe(calls + 1);
    const text = shown(final);
    expect(text).toContain(`*Asked by* <@${ALICE}>`);
    expect(text).toContain(`*Approved by* <@${BOB}>`);
    expect(text).toContain('*Before:* source 1 / target 0');
    expect(text).toContain('*After (as AWS reports):* source 75 / target 25');
    expect(text).toMatch(/<!date\^\d+\^/); // the time
    expect(text).not.toContain('switchover_approve'); // no buttons on a closed request
    // Watching starts, said in the request's thread.
    const note = await h.fake.waitFor(() => h.fake.messages.find((m) => m.threadTs === message.ts && /Watching staging/.test(m.text ?? '')), 'the watch note');
    expect(note.channel).toBe(CHANNEL);
    expect(h.deps.watcher.active().map((w) => [w.stage, w.requestId, w.threadTs])).toEqual([['staging', req.id, message.ts]]);
    expect(h.deps.approvals.get(req.id)).toMatchObject({ status: 'applied', approver: BOB, after: { source: 75, target: 25 } });
  });

  it('refuses the requester approving their own request; the request stays open', async () => {
    const { request: req, message } = await request(h, 'shift staging 10');
    const { dialog, refusal } = await clickApprove(h, req.id, ALICE, message.ts);
    expect(dialog).toBeUndefined();
    expect(refusal).toContain('someone else must approve it');
    expect(h.deps.approvals.get(req.id)!.status).toBe('open');
    expect(h.fake.callsOf('chat.update')).toHaveLength(0);

    // Even a submission forged past the dialog is refused, ephemerally.
    await submitApproval(h, req.id, ALICE);
    const [told] = await ephemeralsTo(h, ALICE);
    expect(told).toContain('someone else must approve it');
    expect(h.stack.calls.ModifyListener ?? 0).toBe(0);
    expect(h.deps.approvals.get(req.id)!.status).toBe('open');
  });

  it('refuses someone who is not an approver; the request stays open and an approver can still apply it', async () => {
    const { request: req, message } = await request(h, 'shift staging 10');
    const { refusal } = await clickApprove(h, req.id, MALLORY, message.ts);
    expect(refusal).toContain('Only the approvers (<!subteam^S0APPROVERS>) may approve this change. The request stays open.');
    expect(h.deps.approvals.get(req.id)!.status).toBe('open');
    await approveAll(h, req.id, message.ts);
    expect(h.stack.stage('staging').weights()).toEqual({ source: 90, target: 10 });
  });

  it('refuses a shift when the target proxy group has no healthy target, before any approval is asked', async () => {
    const posted = h.fake.callsOf('chat.postMessage').length;
    const reply = await command(h, 'shift dev 10'); // dev's target proxy runs no task
    expect(reply).toContain('The target proxy group ALBTargetProxy-dev-TG has no healthy target');
    expect(reply).toContain('Nothing was requested');
    expect(h.fake.callsOf('chat.postMessage')).toHaveLength(posted);
    expect(h.deps.approvals.openRequest('dev')).toBeUndefined();
  });

  it('allows one open request per stage and names it in the refusal', async () => {
    const { request: first } = await request(h, 'shift staging 10');
    const reply = await command(h, 'shift staging 50');
    expect(reply).toContain(`staging already has an open request: <@${ALICE}>'s request ${first.id}`);
    expect(reply).toContain('/switchover cancel staging');
    expect(h.deps.approvals.openRequest('staging')!.id).toBe(first.id);
  });

  it('refuses a shift to the weights the listener already has', async () => {
    const reply = await command(h, 'shift staging 0');
    expect(reply).toContain('already has source 1 / target 0');
  });

  it('refuses to apply when the weights changed behind the bot since the request, and changes nothing', async () => {
    const { request: req, message } = await request(h, 'shift staging 50');
    setWeightsBehindTheBot(h.stack, 'staging', { source: 80, target: 20 });
    const modifies = h.stack.calls.ModifyListener ?? 0;
    const final = await approveAll(h, req.id, message.ts, BOB, 'Failed');
    expect(shown(final)).toContain('the weights changed since the request (now source 80 / target 20');
    expect(h.stack.stage('staging').weights()).toEqual({ source: 80, target: 20 });
    expect(h.stack.calls.ModifyListener ?? 0).toBe(modifies);
    // Said in the channel too, not only in the updated message.
    await h.fake.waitFor(() => h.fake.messages.find((m) => m.threadTs === message.ts && /failed/.test(m.text ?? '')), 'the failure notice');
    const post = h.fake.callsOf('chat.postMessage').find((c) => c.args.thread_ts === message.ts && /failed/.test(String(c.args.text)));
    expect(String(post!.args.reply_broadcast)).toBe('true'); // shown in the channel, not only in the thread
    expect(h.deps.watcher.active()).toEqual([]);
  });

  it('marks the request failed and says so in the channel when AWS fails the write; nothing is half-applied', async () => {
    const { request: req, message } = await request(h, 'shift staging 50');
    h.stack.faults.ModifyListener = { serverError: 100 };
    const final = await approveAll(h, req.id, message.ts, BOB, 'Failed');
    const text = shown(final);
    expect(text).toContain('the new weights could not be written');
    expect(text).toContain('AWS now shows source 1 / target 0');
    expect(h.stack.stage('staging').weights()).toEqual({ source: 1, target: 0 });
    expect(h.deps.approvals.get(req.id)).toMatchObject({ status: 'failed' });
    await h.fake.waitFor(() => h.fake.messages.find((m) => m.threadTs === message.ts && /failed/.test(m.text ?? '')), 'the failure notice');
    // The stage is free for a new request.
    h.stack.faults.ModifyListener = {};
    const { request: again } = await request(h, 'shift staging 50');
    expect(again.id).not.toBe(req.id);
  });
});
