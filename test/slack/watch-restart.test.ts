// A bot restarted in the middle of a watch resumes it from the journal: same progress message, no repeated
// alerts, and an alert Slack had not taken before the restart sent after it; a watch whose window passed while
// the bot was down is ended and said so.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ManualClock } from '../../src/adapters/clock';
import { SLACK_OUTBOX_FILE } from '../../src/composition';
import { MINUTE_MS } from '../../src/core/types';
import type { FakeSlack } from '../support/fake-slack';
import {
  T0,
  applyAndWatch,
  channelMessages,
  minutes,
  progressMessages,
  sharedSlackAndDataDir,
  shown,
  startWatchBench,
  type WatchBench,
} from './watch-e2e-support';

describe('watching across a restart of the bot', () => {
  let fake: FakeSlack;
  let dataDir: string;
  let clock: ManualClock;
  const benches: WatchBench[] = [];

  beforeEach(async () => {
    ({ fake, dataDir } = await sharedSlackAndDataDir());
    clock = new ManualClock(T0);
  });
  afterEach(async () => {
    for (const b of benches.splice(0)) await b.h.stop().catch(() => undefined);
    await fake.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}, previous?: WatchBench): Promise<WatchBench> {
    const simulation = previous?.h.deps.simulation;
    const bench = await startWatchBench(env, { fake, dataDir, ...(simulation ? { simulation } : {}) }, clock);
    benches.push(bench);
    return bench;
  }

  async function restart(bench: WatchBench, downFor: number, env: Record<string, string> = {}): Promise<WatchBench> {
    await bench.h.stop();
    benches.splice(benches.indexOf(bench), 1);
    await clock.advance(downFor); // nothing of the bot runs meanwhile
    return start(env, bench);
  }

  it('resumes updating the same progress message and does not alert twice for the same breach', async () => {
    const first = await start();
    const { threadTs, requestId } = await applyAndWatch(first, 'staging', 50);
    await minutes(first, 2);
    first.h.deps.simulation!.stack.setErrorSpike('staging', 0.2);
    await minutes(first, 5);
    const errorAlerts = () => channelMessages(first.h, /^Guardrail breached on staging: 5xx rate/);
    expect(errorAlerts()).toHaveLength(1);
    const [message] = progressMessages(first.h, threadTs);
    const versions = message!.versions.length;

    const second = await restart(first, 30_000);
    expect(second.h.deps.watcher.active()).toEqual([expect.objectContaining({ stage: 'staging', requestId, messageTs: message!.ts })]);
    const updatesBefore = fake.callsOf('chat.update').length;
    await minutes(second, 3);

    expect(progressMessages(second.h, threadTs)).toEqual([message]);
    expect(message!.versions.length).toBe(versions + 3);
    expect(fake.callsOf('chat.update').slice(updatesBefore).every((c) => c.args.ts === message!.ts)).toBe(true);
    expect(shown(message)).toContain('guardrail breached');
    // The 5xx breach goes on, but it was alerted on before the restart (the journal says so).
    expect(errorAlerts()).toHaveLength(1);
  });

  it('sends after a restart the guardrail alert Slack did not take before it, once', async () => {
    const first = await start();
    const { requestId } = await applyAndWatch(first, 'staging', 50);
    await minutes(first, 2);
    const errorAlerts = () => channelMessages(first.h, /^Guardrail breached on staging: 5xx rate/);
    fake.rateLimit('chat.postMessage', 60, 1_000); // Slack takes no channel message from here on
    first.h.deps.simulation!.stack.setErrorSpike('staging', 0.2);
    await minutes(first, 5);
    const records = await first.h.deps.core.journal.readAll();
    expect(records.filter((r) => r.type === 'guardrail.breached' && r.requestId === requestId)).not.toHaveLength(0);
    expect(errorAlerts()).toHaveLength(0);
    const unsent = JSON.parse(await readFile(join(dataDir, SLACK_OUTBOX_FILE), 'utf8')) as { what: string }[];
    expect(unsent.map((m) => m.what)).toContain('error-rate alert on staging');

    fake.clearFailures(); // Slack is back by the time the bot is
    const second = await restart(first, 30_000);
    await fake.waitFor(() => errorAlerts()[0], 'the alert, after the restart');
    await minutes(second, 2);
    expect(errorAlerts()).toHaveLength(1);
    await expect(readFile(join(dataDir, SLACK_OUTBOX_FILE), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('ends a watch whose window passed while the bot was down, and says so in the thread', async () => {
    const env = { SWITCHOVER_WATCH_MINUTES: '5' };
    const first = await start(env);
    const { threadTs, requestId } = await applyAndWatch(first, 'staging', 10);
    await minutes(first, 2);

    const second = await restart(first, 10 * MINUTE_MS, env);
    expect(second.h.deps.watcher.active()).toEqual([]);
    const ended = await fake.waitFor(
      () => fake.messages.find((m) => m.threadTs === threadTs && /^Stopped watching staging/.test(m.text ?? '')),
      'the end of the watch',
    );
    expect(ended.text).toBe(`Stopped watching staging (${requestId}): the watch window has elapsed.`);
    const records = await second.h.deps.core.journal.readAll();
    expect(records.filter((r) => r.type === 'watch.ended')).toEqual([expect.objectContaining({ requestId, reason: 'window-elapsed' })]);
  });
});
