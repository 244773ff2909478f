// The approval dialog's submission, end to end: two approvers at the same moment, and Slack refusing the
// message update after the change was applied.
import {
  BOB,
  CAROL,
  clickApprove,
  ephemeralsTo,
  messageShows,
  request,
  shown,
  startRequestHarness,
  submitApproval,
  type RequestHarness,
} from '../actions/request-support';

describe('the approval dialog', () => {
  let h: RequestHarness;
  beforeEach(async () => {
    h = await startRequestHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('applies once when two approvers submit at the same moment: exactly one ModifyListener', async () => {
    const { request: req, message } = await request(h, 'shift staging 20');
    await clickApprove(h, req.id, BOB, message.ts);
    await clickApprove(h, req.id, CAROL, message.ts);
    await Promise.all([submitApproval(h, req.id, BOB), submitApproval(h, req.id, CAROL)]);
    const final = await messageShows(h, message.ts, 'Applied');
    const winner = h.deps.approvals.get(req.id)!.approver!;
    const loser = winner === BOB ? CAROL : BOB;
    expect([BOB, CAROL]).toContain(winner);
    expect(shown(final)).toContain(`*Approved by* <@${winner}>`);
    const [told] = await ephemeralsTo(h, loser);
    expect(told).toMatch(/is no longer open: (being applied now|applied)/);
    expect(h.stack.calls.ModifyListener).toBe(1);
    expect(h.stack.stage('staging').weights()).toEqual({ source: 80, target: 20 });
    expect(h.fake.callsOf('chat.postEphemeral').filter((c) => c.args.user === winner)).toHaveLength(0);
  });

  it('keeps the applied change when Slack rate-limits the message update: says it in the thread and updates later', async () => {
    const { request: req, message } = await request(h, 'shift staging 20');
    await clickApprove(h, req.id, BOB, message.ts);
    h.fake.rateLimit('chat.update', 1, 1);
    await submitApproval(h, req.id, BOB);
    // Applied and journaled although the message could not be updated.
    const said = await h.fake.waitFor(
      () => h.fake.messages.find((m) => m.threadTs === message.ts && (m.text ?? '').startsWith('Applied')),
      'the final state in the thread',
    );
    expect(shown(said)).toContain('*After (as AWS reports):* source 80 / target 20');
    expect(h.stack.stage('staging').weights()).toEqual({ source: 80, target: 20 });
    const journal = await h.deps.core.journal.readAll();
    expect(journal.some((r) => r.type === 'request.applied' && r.requestId === req.id)).toBe(true);
    expect(h.deps.outbox.pending().map((r) => r.what)).toEqual([`message of request ${req.id}`]);
    expect(h.fake.messages.find((m) => m.ts === message.ts)!.text).toMatch(/^Switchover request/);

    await h.clock.advance(30_000); // the outbox retries the update
    await messageShows(h, message.ts, 'Applied');
    expect(h.deps.outbox.pending()).toEqual([]);
    expect(h.stack.calls.ModifyListener).toBe(1);
  });
});
