// Helpers for the watch end-to-end tests: the real app over the simulated stack on a ManualClock, a change
// applied through the approval service (as the approve button does), and simulated minutes that each wait
// for the watcher's tick to finish (its Slack calls are real HTTP to the fake Slack).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/adapters/clock';
import { MINUTE_MS } from '../../src/core/types';
import type { WatchInfo } from '../../src/core/watch';
import { REQUEST_FALLBACK_ACTION, REQUEST_FORCE_RECONNECT_ACTION } from '../../src/blocks/watch';
import { FakeSlack, type FakeMessage } from '../support/fake-slack';
import { CHANNEL, OPERATOR, startHarness, type Env, type Harness, type HarnessOptions } from '../support/slack-harness';

export const APPROVER = 'U0BOB';
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
export { REQUEST_FALLBACK_ACTION, REQUEST_FORCE_RECONNECT_ACTION };

export interface WatchBench {
  h: Harness;
  clock: ManualClock;
}

/** A harness whose Slack, data dir and simulated stack outlive it (for restarts), on a ManualClock. */
export async function startWatchBench(env: Env = {}, options: HarnessOptions = {}, clock = new ManualClock(T0)): Promise<WatchBench> {
  const h = await startHarness(env, { clock }, options);
  return { h, clock };
}

export async function sharedSlackAndDataDir(): Promise<{ fake: FakeSlack; dataDir: string }> {
  return { fake: await FakeSlack.start(), dataDir: await mkdtemp(join(tmpdir(), 'switchover-watch-')) };
}

export async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export interface Applied {
  requestId: string;
  /** The request message, whose thread holds the progress message. */
  threadTs: string;
  watch: WatchInfo;
}

/** Requests, approves and applies a change through the approval service, then starts watching it. */
export async function applyAndWatch(bench: WatchBench, stage: string, percent: number | 'fallback'): Promise<Applied> {
  const { h, clock } = bench;
  const input = { stage, requester: OPERATOR, channel: CHANNEL };
  const created = percent === 'fallback' ? await h.deps.approvals.requestFallback(input) : await h.deps.approvals.requestShift({ ...input, percent });
  if (created.outcome !== 'created') throw new Error(created.reason);
  const requestId = created.request.id;
  const posted = await h.deps.slack.chat.postMessage({ channel: CHANNEL, text: `request ${requestId}` });
  await h.deps.approvals.recordPosted(requestId, CHANNEL, posted.ts!);
  const applied = await h.deps.approvals.approve({ requestId, userId: APPROVER });
  if (applied.outcome !== 'applied') throw new Error(JSON.stringify(applied));
  const watch = await h.deps.watcher.start({
    stage,
    requestId,
    channel: CHANNEL,
    threadTs: posted.ts!,
    appliedWeights: applied.after,
    appliedAt: clock.now(),
  });
  return { requestId, threadTs: posted.ts!, watch };
}

/**
 * Moves the clock `n` minutes, one at a time; after each, waits until every loop sleeping on the clock is
 * asleep again (the watcher's tick, with its Slack calls, has finished) or no watch is left.
 */
export async function minutes(bench: WatchBench, n: number, asleep?: number): Promise<void> {
  const { h, clock } = bench;
  for (let i = 0; i < n; i++) {
    // `asleep` when the test knows a one-off sleeper (a Slack retry) fires this minute.
    const sleeping = asleep ?? clock.pending;
    await clock.advance(MINUTE_MS);
    await until(() => clock.pending >= sleeping || h.deps.watcher.active().length === 0, 'the watch tick to finish');
  }
}

/** Messages in the request's thread that are watch progress messages. */
export function progressMessages(h: Harness, threadTs: string): FakeMessage[] {
  return h.fake.messages.filter((m) => m.threadTs === threadTs && (m.text ?? '').startsWith('Watching '));
}

/** Top-level channel messages whose text matches. */
export function channelMessages(h: Harness, pattern: RegExp): FakeMessage[] {
  return h.fake.messages.filter((m) => m.channel === CHANNEL && !m.threadTs && pattern.test(m.text ?? ''));
}

/** The message's text and blocks as one string, for `toContain`. */
export function shown(message: { text?: string; blocks?: unknown[] } | undefined): string {
  return `${message?.text ?? ''}\n${JSON.stringify(message?.blocks ?? [])}`;
}

/** Action IDs of the message's buttons. */
export function buttons(message: FakeMessage): string[] {
  return (message.blocks ?? []).flatMap((b) => {
    const block = b as { type: string; elements?: { type: string; action_id?: string }[] };
    return block.type === 'actions' ? (block.elements ?? []).map((e) => e.action_id ?? '') : [];
  });
}

/** "12% to the target proxy" of the last-minute split in a progress message version, or null. */
export function lastMinuteSplit(version: { blocks?: unknown[] }): number | null {
  const match = /last minute ([\d.]+)% to the target proxy/.exec(JSON.stringify(version.blocks ?? []));
  return match ? Number(match[1]) : null;
}
