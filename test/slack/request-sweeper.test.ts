// The approvals' background task across restarts of the bot: requests rebuilt from the journal (a torn last line
// skipped with a warning), a request made before a restart approved after it, a request interrupted while being
// applied settled from what AWS shows, and requests that expired while the bot was down.
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/adapters/clock';
import { JOURNAL_FILE } from '../../src/adapters/journal/jsonl-journal';
import type { SimulatedAws } from '../../src/adapters/sim';
import { FakeSlack } from '../support/fake-slack';
import { simulatedPorts } from '../support/sim';
import {
  ALICE,
  approveAll,
  BOB,
  messageShows,
  request,
  setWeightsBehindTheBot,
  shown,
  startRequestHarness,
  T0,
  type RequestHarness,
} from '../listeners/actions/request-support';

describe('requests across a restart of the bot', () => {
  let dataDir: string;
  let fake: FakeSlack;
  let clock: ManualClock;
  let simulation: SimulatedAws;
  const running: RequestHarness[] = [];

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'switchover-restart-'));
    fake = await FakeSlack.start();
    clock = new ManualClock(T0);
    simulation = simulatedPorts(clock);
  });
  afterEach(async () => {
    for (const h of running.splice(0)) await h.stop();
    await fake.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(): Promise<RequestHarness> {
    const h = await startRequestHarness({}, { dataDir, simulation, fake, clock });
    running.push(h);
    return h;
  }

  async function stop(h: RequestHarness): Promise<void> {
    running.splice(running.indexOf(h), 1);
    await h.stop();
  }

  const journal = () => join(dataDir, JOURNAL_FILE);

  it('approves after a restart a request made before it; the message posted before is updated in place', async () => {
    const before = await start();
    const { request: req, message } = await request(before, 'shift staging 40');
    await stop(before);

    const after = await start();
    expect(after.deps.approvals.get(req.id)).toMatchObject({ status: 'open', messageTs: message.ts });
    const final = await approveAll(after, req.id, message.ts);
    expect(shown(final)).toContain('*After (as AWS reports):* source 60 / target 40');
    expect(simulation.stack.stage('staging').weights()).toEqual({ source: 60, target: 40 });
    expect(simulation.stack.calls.ModifyListener).toBe(1);
  });

  it('starts over a torn last journal line with a warning, and works', async () => {
    const before = await start();
    const { request: req, message } = await request(before, 'shift staging 40');
    await stop(before);
    await appendFile(journal(), '{"type":"request.approved","at":"2026-01-01T12:01:00.000Z","stage":"stag');

    const after = await start();
    const warning = after.logs().find((l) => l.level === 'warn' && /journal/.test(String(l.msg)) && /torn|skipped|incomplete|not a valid/i.test(String(l.msg)));
    expect(warning).toBeDefined();
    expect(after.deps.approvals.get(req.id)!.status).toBe('open');
    await approveAll(after, req.id, message.ts);
    expect(simulation.stack.stage('staging').weights()).toEqual({ source: 60, target: 40 });
  });

  it('starts over a journal that ends in garbage before any request was made', async () => {
    await appendFile(journal(), 'garbage without a newline');
    const h = await start();
    const { request: req, message } = await request(h, 'shift staging 10');
    await approveAll(h, req.id, message.ts);
    expect(simulation.stack.stage('staging').weights()).toEqual({ source: 90, target: 10 });
  });

  it('settles a request interrupted while being applied from what AWS shows, and updates its message', async () => {
    const before = await start();
    const { request: req, message } = await request(before, 'shift staging 40');
    await stop(before);
    // The bot stopped after claiming the request and writing the weights, before recording the outcome.
    await appendFile(journal(), `${JSON.stringify({ type: 'request.approved', at: new Date(T0).toISOString(), stage: 'staging', requestId: req.id, approver: BOB })}\n`);
    setWeightsBehindTheBot(simulation.stack, 'staging', { source: 60, target: 40 });

    const after = await start();
    const final = await messageShows(after, message.ts, 'Applied');
    expect(shown(final)).toContain('Recorded after the bot restarted while applying');
    expect(after.deps.approvals.get(req.id)).toMatchObject({ status: 'applied', approver: BOB });
    expect(after.deps.watcher.active().map((w) => w.requestId)).toEqual([req.id]);
    expect(simulation.stack.calls.ModifyListener ?? 0).toBe(0); // never applied again
  });

  it('marks an interrupted request failed when AWS does not show its weights, and says so in the channel', async () => {
    const before = await start();
    const { request: req, message } = await request(before, 'shift staging 40');
    await stop(before);
    await appendFile(journal(), `${JSON.stringify({ type: 'request.approved', at: new Date(T0).toISOString(), stage: 'staging', requestId: req.id, approver: BOB })}\n`);

    const after = await start();
    const final = await messageShows(after, message.ts, 'Failed');
    expect(shown(final)).toContain('the bot restarted while applying; AWS shows source 1 / target 0');
    await fake.waitFor(() => fake.messages.find((m) => m.threadTs === message.ts && /failed/.test(m.text ?? '')), 'the failure notice');
    expect(simulation.stack.stage('staging').weights()).toEqual({ source: 1, target: 0 });
  });

  it('expires at start the requests whose time ran out while the bot was down', async () => {
    const before = await start();
    const { request: req, message } = await request(before, 'shift staging 40');
    await stop(before);
    await clock.advance(20 * 60_000);

    const after = await start();
    await messageShows(after, message.ts, 'Expired');
    expect(after.deps.approvals.get(req.id)!.status).toBe('expired');
  });

  it('posts at start an open request that was recorded but never posted', async () => {
    await appendFile(
      journal(),
      `${JSON.stringify({
        type: 'request.created',
        at: new Date(T0).toISOString(),
        stage: 'staging',
        requestId: 'r-unposted00',
        kind: 'shift',
        requester: ALICE,
        channel: 'C0SWITCH',
        from: { source: 1, target: 0 },
        to: { source: 90, target: 10 },
        percent: 10,
        expiresAt: new Date(T0 + 15 * 60_000).toISOString(),
      })}\n`,
    );
    const h = await start();
    const req = h.deps.approvals.get('r-unposted00')!;
    expect(req.messageTs).toBeDefined();
    const message = fake.messages.find((m) => m.ts === req.messageTs)!;
    expect(shown(message)).toContain('switchover_approve');
    await approveAll(h, req.id, message.ts);
    expect(simulation.stack.stage('staging').weights()).toEqual({ source: 90, target: 10 });
  });
});
