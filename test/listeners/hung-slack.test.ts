// Slack calls that are accepted and never answered (FakeSlack.hang): every call has a deadline (the Web API
// client's `timeout`, shortened here), so a hung call never freezes approvals, never keeps a change from being
// watched, and never holds a read slot for good.
import { APPROVE_ACTION } from '../../src/blocks/request';
import { CHANNEL } from '../support/slack-harness';
import {
  ALICE,
  BOB,
  clickApprove,
  command,
  ephemeralsTo,
  logged,
  messageShows,
  request,
  shown,
  startRequestHarness,
  submitApproval,
  type RequestHarness,
} from './actions/request-support';

/** Longer than the click's eligibility window (1.5 s), as in production (2.5 s). */
/** Polls `done` (state that no Slack call announces) for up to 15 s. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 750 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

const CALL_TIMEOUT_MS = 2_000;

describe('a Slack that accepts calls and never answers them', () => {
  let h: RequestHarness;
  beforeEach(async () => {
    h = await startRequestHarness({}, { slackClientOptions: { timeout: CALL_TIMEOUT_MS } });
  });
  afterEach(async () => {
    await h.stop();
  });

  it('hung usergroups.users.list: Approve opens the dialog at once, cancel still answers, and submit fails closed saying why', async () => {
    const staging = await request(h, 'shift staging 10');
    h.fake.hang('usergroups.users.list');

    const { dialog } = await clickApprove(h, staging.request.id, BOB, staging.message.ts);
    expect(dialog).toBeDefined();
    expect(JSON.stringify(dialog!.args.view)).toContain('checked when you press Apply');

    // Submit while the lookup still hangs: the approval is refused, with the reason, and nothing changes.
    await submitApproval(h, staging.request.id, BOB);
    const [told] = await ephemeralsTo(h, BOB);
    expect(told).toContain('Could not check the approver list');
    expect(told).toContain('The request stays open');
    expect(h.deps.approvals.get(staging.request.id)!.status).toBe('open');
    expect(h.stack.calls.ModifyListener ?? 0).toBe(0);

    // The stage is not frozen: its request can still be cancelled.
    expect(await command(h, 'cancel staging', ALICE)).toContain('Cancelled');
  });

  it('hung usergroups.users.list after the group was read: the cached answer decides at once and the approval applies', async () => {
    const { request: req, message } = await request(h, 'shift staging 10');
    await clickApprove(h, req.id, BOB, message.ts); // reads the group's members, cached for a minute
    h.fake.hang('usergroups.users.list');
    const { dialog } = await clickApprove(h, req.id, BOB, message.ts);
    expect(JSON.stringify(dialog!.args.view)).not.toContain('checked when you press Apply');
    await submitApproval(h, req.id, BOB);
    await messageShows(h, message.ts, 'Applied');
  });

  it('hung chat.update after an applied shift: the watch starts anyway, and the outcome is said once Slack answers', async () => {
    const { request: req, message } = await request(h, 'shift staging 10');
    await clickApprove(h, req.id, BOB, message.ts);
    h.fake.hang('chat.update');
    h.fake.hang('chat.postMessage');
    await submitApproval(h, req.id, BOB);
    // The edit and both thread posts (the final state, then the watch) time out and wait in the outbox.
    const kept = () => h.deps.outbox.pending().map((r) => r.kind);
    await until(() => kept().length === 3, 'the edit and two posts kept');
    expect(kept()).toEqual(['update', 'post', 'post']);
    expect(h.stack.calls.ModifyListener).toBe(1);
    expect(h.deps.watcher.active().map((w) => w.stage)).toEqual(['staging']);

    // Slack answers again: the next sweep brings the message up to date and says what was not said.
    h.fake.clearFailures();
    await h.clock.advance(30_000);
    await messageShows(h, message.ts, 'Applied');
    await h.fake.waitFor(
      () => h.fake.messages.find((m) => m.channel === CHANNEL && m.threadTs === message.ts && /^Watching staging/.test(m.text ?? '')),
      'the watch announced in the thread',
    );
    await until(() => kept().length === 0, 'the outbox empty');
    const watching = h.fake.messages.filter((m) => m.threadTs === message.ts && /^Watching staging/.test(m.text ?? ''));
    expect(watching).toHaveLength(1);
  });

  it('hung status posts give their read slots back: the next status is answered once Slack is back', async () => {
    h.fake.hang('chat.postMessage');
    const hungOnes = [await h.slash('status staging'), await h.slash('status dev')];
    const failed = () => h.logs().filter((l) => l.msg === 'status could not be posted in the channel').length;
    await until(() => failed() === 2, 'both status posts to fail');
    for (const sent of hungOnes) expect(JSON.stringify((await h.responseTo(sent)).body)).toContain('I could not post the status in the channel');

    h.fake.clearFailures();
    await h.slash('status staging');
    await logged(h, (l) => l.msg === 'status posted', 'a status posted after the hung ones');
    expect(shown(h.fake.messages.at(-1))).toContain('staging');
  });

  it('a hung views.open is abandoned, and the approver is told the dialog could not open', async () => {
    const { request: req, message } = await request(h, 'shift staging 10');
    h.fake.hang('views.open');
    const sent = await h.click(APPROVE_ACTION, req.id, { user: BOB, messageTs: message.ts });
    const answer = await h.responseTo(sent);
    expect(String(answer.body.text)).toContain('The approval dialog could not open');
    expect(h.deps.approvals.get(req.id)!.status).toBe('open');
  });
});
