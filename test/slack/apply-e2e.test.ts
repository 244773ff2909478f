// Issue 12, items 1 and 5, through the Slack harness on the simulated stack: an applied change is never reported
// as failed (AWS's answer to ModifyListener lost, the read-back failing too), and an approval interrupted by a
// stop of the bot is settled after the restart, its message brought to its final state and its approver told.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/adapters/clock';
import type { OperationFaults, SimStack, SimulatedAws } from '../../src/adapters/sim';
import { FakeSlack } from '../support/fake-slack';
import { CHANNEL } from '../support/slack-harness';
import { until } from './watch-e2e-support';
import {
  approveAll,
  BOB,
  clickApprove,
  messageShows,
  request,
  shown,
  startRequestHarness,
  submitApproval,
  T0,
  type RequestHarness,
} from '../listeners/actions/request-support';

const SECOND = 1000;

/** Faults for every call that reads the switchover listener (its default action comes with its rules). */
function listenerReads(stack: SimStack, faults: OperationFaults): void {
  stack.faults.DescribeListeners = { ...faults };
  stack.faults.DescribeRules = { ...faults };
}

/** From the first ModifyListener on, every read of the listener fails (the write itself goes through). */
function readsFailAfterTheWrite(h: RequestHarness): void {
  const modify = h.stack.modifyListener.bind(h.stack);
  jest.spyOn(h.stack, 'modifyListener').mockImplementation((arn, actions) => {
    const listener = modify(arn, actions);
    listenerReads(h.stack, { serverError: 1000 });
    return listener;
  });
}

/** Thread replies under the request message whose text matches. */
function inThread(h: RequestHarness, ts: string, pattern: RegExp) {
  return h.fake.messages.filter((m) => m.threadTs === ts && pattern.test(m.text ?? ''));
}

describe('an applied change is never reported as failed (issue 12, item 1)', () => {
  let h: RequestHarness;
  beforeEach(async () => {
    h = await startRequestHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it('says applied, with a note, when AWS applied the change but its answer was lost; the watch starts; history says applied', async () => {
    const { request: req, message } = await request(h, 'shift staging 50');
    h.stack.faults.ModifyListener = { answerLost: 10 }; // every attempt of the SDK: applied, answer lost
    const final = await approveAll(h, req.id, message.ts);
    expect(shown(final)).toContain("AWS's answer to the change was lost");
    expect(h.stack.stage('staging').weights()).toEqual({ source: 50, target: 50 });
    expect(h.deps.approvals.get(req.id)).toMatchObject({ status: 'applied' });
    await h.fake.waitFor(() => inThread(h, message.ts, /^Watching staging/)[0], 'the watch to start');
    expect(h.deps.watcher.active()).toEqual([expect.objectContaining({ stage: 'staging', requestId: req.id })]);
    const history = await h.deps.approvals.history('staging');
    expect(history.entries.find((e) => e.type === 'request.applied')!.text).toMatch(/^Applied .*answer to the change was lost/);
    expect(inThread(h, message.ts, /failed/)).toEqual([]);
  });

  it('keeps a change whose read-back fails too "applying, unconfirmed", says so in the thread, and settles it from a later read', async () => {
    const { request: req, message } = await request(h, 'shift staging 50');
    h.stack.faults.ModifyListener = { answerLost: 10 };
    readsFailAfterTheWrite(h);
    await approveAll(h, req.id, message.ts, BOB, 'Applying, unconfirmed');
    const notice = await h.fake.waitFor(() => inThread(h, message.ts, /applying, unconfirmed/)[0], 'the unconfirmed notice');
    expect(notice.text).toContain('the listener could not be read back');
    expect(h.deps.approvals.get(req.id)).toMatchObject({ status: 'approved' });
    const writes = h.stack.calls.ModifyListener;
    jest.restoreAllMocks();

    // AWS answers again: the sweeper's next re-read settles it (never by writing again).
    listenerReads(h.stack, {});
    await h.clock.advance(30 * SECOND);
    const final = await messageShows(h, message.ts, 'Applied');
    expect(shown(final)).toContain('Confirmed by a later read of the listener');
    expect(h.stack.calls.ModifyListener).toBe(writes);
    await h.fake.waitFor(() => inThread(h, message.ts, /^Watching staging/)[0], 'the watch to start');
  });

  it('settles a write that never answers from the read-back once its deadline passes, without holding the stage', async () => {
    const { request: req, message } = await request(h, 'shift staging 50');
    h.stack.faults.ModifyListener = { answerNever: 1 };
    const { dialog } = await clickApprove(h, req.id, BOB, message.ts);
    expect(dialog).toBeDefined();
    await submitApproval(h, req.id, BOB);
    await until(() => (h.stack.calls.ModifyListener ?? 0) >= 1, 'the write');
    await h.clock.advance(30 * SECOND);
    const final = await messageShows(h, message.ts, 'Applied');
    expect(shown(final)).toContain('no answer within 30 s');
  });
});

describe('interrupted approvals are said plainly after a restart (issue 12, item 5)', () => {
  let fake: FakeSlack;
  let dataDir: string;
  let simulation: SimulatedAws | undefined;
  const harnesses: RequestHarness[] = [];
  beforeEach(async () => {
    simulation = undefined;
    fake = await FakeSlack.start();
    dataDir = await mkdtemp(join(tmpdir(), 'switchover-apply-'));
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.stop().catch(() => undefined);
    await fake.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<RequestHarness> {
    // Each run of the bot has its own clock: the stopped one's deadlines never fire into the next one's journal.
    const h = await startRequestHarness({}, { fake, dataDir, clock: new ManualClock(T0), ...(simulation ? { simulation } : {}) });
    simulation = h.deps.simulation;
    harnesses.push(h);
    return h;
  }

  it('a stop while the approval is applied: after the restart the message shows the outcome and the approver is told', async () => {
    const first = await start();
    const { request: req, message } = await request(first, 'shift staging 25');
    first.stack.faults.ModifyListener = { answerNever: 1 }; // AWS applies it; the bot stops before the answer
    await clickApprove(first, req.id, BOB, message.ts);
    await submitApproval(first, req.id, BOB);
    await until(() => (first.stack.calls.ModifyListener ?? 0) >= 1, 'the write');
    await first.stop(); // SIGTERM
    harnesses.splice(harnesses.indexOf(first), 1);

    const second = await start();
    const final = await messageShows(second, message.ts, 'Applied');
    expect(shown(final)).toContain('Recorded after the bot restarted while applying');
    const told = await fake.waitFor(() => inThread(second, message.ts, /the bot stopped while applying the change you approved/)[0], 'the approver to be told');
    expect(told.text).toContain(`<@${BOB}>`);
    expect(second.deps.watcher.active()).toEqual([expect.objectContaining({ requestId: req.id })]);
    expect(second.stack.calls.ModifyListener).toBe(1); // never applied again
  });

  it('a restart that cannot read the listener leaves the request unconfirmed (never failed for good) and settles it later', async () => {
    const first = await start();
    const { request: req, message } = await request(first, 'shift staging 25');
    first.stack.faults.ModifyListener = { answerNever: 1 };
    await clickApprove(first, req.id, BOB, message.ts);
    await submitApproval(first, req.id, BOB);
    await until(() => (first.stack.calls.ModifyListener ?? 0) >= 1, 'the write');
    await first.stop();
    harnesses.splice(harnesses.indexOf(first), 1);

    listenerReads(simulation!.stack, { serverError: 1000 });
    const second = await start();
    await messageShows(second, message.ts, 'Applying, unconfirmed');
    expect(second.deps.approvals.get(req.id)!.status).toBe('approved');
    await fake.waitFor(() => inThread(second, message.ts, /applying, unconfirmed/)[0], 'the unconfirmed notice');

    listenerReads(simulation!.stack, {});
    await second.clock.advance(30 * SECOND);
    await messageShows(second, message.ts, 'Applied');
    expect(second.stack.calls.ModifyListener).toBe(1);
    expect(CHANNEL).toBe(message.channel);
  });
});
