import { webApi } from '@slack/bolt';
import { ManualClock } from '../../src/adapters/clock';
import { createLogger } from '../../src/logger';
import { LiveMessage } from '../../src/slack/prep-progress';
import { FakeSlack } from '../support/fake-slack';

const CHANNEL = 'C0SWITCH';

describe('LiveMessage', () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;
  let clock: ManualClock;
  let lines: string[];
  let live: LiveMessage;

  beforeEach(async () => {
    fake = await FakeSlack.start();
    client = new webApi.WebClient('xoxb-live-token', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    clock = new ManualClock();
    lines = [];
    const log = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
    live = new LiveMessage(client, clock, log, CHANNEL, { minIntervalMs: 1000 });
  });
  afterEach(async () => {
    await fake.stop();
  });

  const msg = (text: string) => ({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  const updates = () => fake.callsOf('chat.update').map((c) => c.args.text);
  const realTick = () => new Promise((resolve) => setTimeout(resolve, 2));

  /** Lets Slack calls complete and moves the clock on, `steps` times. */
  async function run(steps: number, stepMs = 250): Promise<void> {
    for (let i = 0; i < steps; i++) {
      await realTick();
      await clock.advance(stepMs);
    }
    await realTick();
  }

  async function settle<T>(promise: Promise<T>): Promise<T> {
    let done = false;
    let value: T | undefined;
    void promise.then((v) => {
      done = true;
      value = v;
    });
    for (let i = 0; i < 500 && !done; i++) await run(1);
    if (!done) throw new Error('did not settle');
    return value as T;
  }

  it('posts once, then shows only the newest of a burst of updates, at most once per interval', async () => {
    const ts = await live.post(msg('v0'));
    expect(fake.messages).toHaveLength(1);
    for (let i = 1; i <= 5; i++) live.update(msg(`v${i}`));
    await run(1, 100);
    expect(updates()).toEqual([]); // the interval since the post has not passed
    await run(4);
    expect(updates()).toEqual(['v5']);
    live.update(msg('v6'));
    live.update(msg('v7'));
    await run(1, 100);
    expect(updates()).toEqual(['v5']);
    await run(5);
    expect(updates()).toEqual(['v5', 'v7']);
    expect(fake.callsOf('chat.update').every((c) => c.args.ts === ts && c.args.channel === CHANNEL)).toBe(true);
    expect(fake.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('skips a failed update and keeps going with the next one', async () => {
    await live.post(msg('v0'));
    fake.fail('chat.update', 'internal_error', 1);
    live.update(msg('v1'));
    await run(6);
    live.update(msg('v2'));
    await run(6);
    expect(updates()).toEqual(['v1', 'v2']);
    expect(fake.messages[0]!.text).toBe('v2');
    expect(lines.some((l) => l.includes('could not update the progress message'))).toBe(true);
  });

  it('retries the final state, and ignores updates after it', async () => {
    await live.post(msg('v0'));
    fake.fail('chat.update', 'internal_error', 2);
    const shown = await settle(live.finish(msg('final')));
    expect(shown).toBe(true);
    expect(updates()).toEqual(['final', 'final', 'final']);
    live.update(msg('late'));
    await run(6);
    expect(fake.messages[0]!.text).toBe('final');
  });

  it('gives up on the final state after a few attempts, without throwing', async () => {
    await live.post(msg('v0'));
    fake.fail('chat.update', 'internal_error');
    await expect(settle(live.finish(msg('final')))).resolves.toBe(false);
    expect(updates()).toHaveLength(3);
  });

  it('waits out a rate limit before the next update', async () => {
    await live.post(msg('v0'));
    fake.rateLimit('chat.update', 5, 1);
    live.update(msg('v1'));
    await run(5);
    expect(updates()).toEqual(['v1']); // refused with Retry-After 5
    live.update(msg('v2'));
    await run(12); // 3 s: still inside Retry-After
    expect(updates()).toEqual(['v1']);
    await run(12);
    expect(updates()).toEqual(['v1', 'v2']);
    expect(fake.messages[0]!.text).toBe('v2');
  });

  it('stops updating a message that is gone', async () => {
    await live.post(msg('v0'));
    fake.fail('chat.update', 'message_not_found');
    live.update(msg('v1'));
    await run(6);
    live.update(msg('v2'));
    await run(6);
    await expect(settle(live.finish(msg('final')))).resolves.toBe(false);
    expect(updates()).toEqual(['v1']);
  });

  it('lets the caller handle a message it cannot post', async () => {
    fake.notInChannel.add(CHANNEL);
    await expect(live.post(msg('v0'))).rejects.toMatchObject({ data: { error: 'not_in_channel' } });
    live.update(msg('v1'));
    await expect(live.finish(msg('final'))).resolves.toBe(false);
    expect(updates()).toEqual([]);
  });
});
