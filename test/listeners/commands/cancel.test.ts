// `/switchover cancel` end to end: withdrawing the stage's open request; its message shows "Cancelled".
import { ALICE, BOB, clickApprove, command, MALLORY, messageShows, request, shown, startRequestHarness, type RequestHarness } from '../actions/request-support';

describe('/switchover cancel', () => {
  let h: RequestHarness;
  beforeEach(async () => {
    h = await startRequestHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('withdraws the open request: the message shows who cancelled it and Approve no longer works', async () => {
    const { request: req, message } = await request(h, 'shift staging 10');
    const reply = await command(h, 'cancel staging');
    expect(reply).toContain(`Cancelled <@${ALICE}>'s request ${req.id}`);
    const final = await messageShows(h, message.ts, 'Cancelled');
    expect(shown(final)).toContain(`Cancelled by <@${ALICE}>`);
    expect(shown(final)).not.toContain('switchover_approve');
    expect(h.deps.approvals.get(req.id)!.status).toBe('cancelled');

    const { refusal } = await clickApprove(h, req.id, BOB, message.ts);
    expect(refusal).toContain('is no longer open: cancelled by');
    expect(h.stack.calls.ModifyListener ?? 0).toBe(0);
    // The stage takes a new request.
    await request(h, 'shift staging 10');
  });

  it('says so when there is nothing to cancel', async () => {
    expect(await command(h, 'cancel staging')).toBe('staging has no open request or running plan to cancel.');
  });

  it('lets an approver cancel, but refuses someone who is neither requester nor approver', async () => {
    await request(h, 'shift staging 10');
    // Mallory is neither the requester nor an approver: the core refuses her (the same rule as Reject).
    expect(await command(h, 'cancel staging', MALLORY)).toContain('only the requester');
    expect(h.deps.approvals.openRequest('staging')).toBeDefined();
  });
});
