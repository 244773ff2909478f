// Helpers shared by the plan's Slack tests (plan-e2e, plan-adversarial): moving simulated minutes, reading the
// plan's thread and journal, a plan requested by alice and approved by bob, and a plan across a restart.
import type { JournalRecord } from '../../src/core/journal';
import { MINUTE_MS } from '../../src/core/types';
import type { FakeMessage } from '../support/fake-slack';
import type { SimStack } from '../../src/adapters/sim';
import { approveAll, BOB, request, startRequestHarness, type RequestHarness } from '../listeners/actions/request-support';
import { sharedSlackAndDataDir, until } from './watch-e2e-support';

/**
 * Simulated minutes, each waiting for the watch's tick (and the plan's step, whose AWS calls each sleep on the
 * clock for their deadline) to finish.
 */
export async function minutes(h: RequestHarness, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    // The clock lets every sleeper due run a few turns; a tick that began is then under way until idle.
    await h.clock.advance(MINUTE_MS);
    await until(() => h.deps.watcher.idle, 'the watch tick to finish');
  }
}

/** Thread replies under the plan message whose text matches. */
export function inThread(h: RequestHarness, ts: string, pattern: RegExp): FakeMessage[] {
  return h.fake.messages.filter((m) => m.threadTs === ts && pattern.test(m.text ?? ''));
}

/** The journal's records of one type. */
export async function records(h: RequestHarness, type: JournalRecord['type']): Promise<JournalRecord[]> {
  return (await h.deps.core.journal.readAll()).filter((r) => r.type === type);
}

/** `/switchover plan ...` by alice, approved by bob; resolves once the request message is the plan message. */
export async function approvedPlan(h: RequestHarness, text: string) {
  const { request: req, message } = await request(h, text);
  const final = await approveAll(h, req.id, message.ts, BOB, 'Plan on');
  return { id: req.id, ts: message.ts, final };
}

/**
 * `text` approved on one bot, which stops 3 minutes into the first step; `downMinutes` later (`whileDown` runs on
 * the stack first) a second bot starts on the same data directory and Slack. `check` gets the second bot one
 * minute after its watch resumed; then it and the fake Slack stop.
 */
export async function planAcrossRestart(
  text: string,
  downMinutes: number,
  check: (second: RequestHarness, plan: { id: string; ts: string }) => Promise<void>,
  whileDown?: (stack: SimStack) => void,
): Promise<void> {
  const { fake, dataDir } = await sharedSlackAndDataDir();
  const first = await startRequestHarness({ SWITCHOVER_SETTLE_SECONDS: '0' }, { fake, dataDir });
  const plan = await approvedPlan(first, text);
  await minutes(first, 3);
  const { clock } = first;
  const simulation = first.deps.simulation!;
  await first.stop();
  whileDown?.(simulation.stack);
  await clock.advance(downMinutes * MINUTE_MS);
  const second = await startRequestHarness({ SWITCHOVER_SETTLE_SECONDS: '0' }, { dataDir, simulation, fake, clock });
  try {
    await until(() => second.deps.watcher.active().length === 1, 'the watch to resume');
    await minutes(second, 1);
    await check(second, plan);
  } finally {
    await second.stop();
    await fake.stop();
  }
}
