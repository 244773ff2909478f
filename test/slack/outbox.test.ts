// The one outbox of Slack posts and edits, against the fake Web API on 127.0.0.1 and a real file: Slack
// failing and then not answering at all, then back; a restart in between; edits replacing older edits; a
// damaged file. Whatever happens, a post arrives once.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { webApi } from '@slack/bolt';
import { ManualClock } from '../../src/adapters/clock';
import { JsonFileOutbox } from '../../src/adapters/journal/outbox-file';
import { createLogger } from '../../src/logger';
import { GIVE_UP_AFTER_MS, OutboxRecordSchema, RETRY_MS, SlackOutbox } from '../../src/slack/outbox';
import { FakeSlack } from '../support/fake-slack';

const CHANNEL = 'C0SWITCH';
const alert = (text: string) => ({ text, blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }] });

describe('SlackOutbox', () => {
  let fake: FakeSlack;
  let dir: string;
  let lines: string[];
  let clock: ManualClock;
  const outboxes: SlackOutbox[] = [];

  beforeEach(async () => {
    fake = await FakeSlack.start();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'slack-outbox-'));
    lines = [];
    clock = new ManualClock();
  });
  afterEach(async () => {
    for (const o of outboxes.splice(0)) await o.stop();
    await fake.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const file = () => path.join(dir, 'slack-outbox.json');
  /** One run of the bot's outbox: a client with a short deadline and no retries of its own, the file. */
  function start(): SlackOutbox {
    const logger = createLogger({ level: 'info', destination: { write: (l: string) => void lines.push(l) } });
    const slack = new webApi.WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, timeout: 200, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: webApi.LogLevel.ERROR });
    const outbox = new SlackOutbox({ slack, clock, logger, store: new JsonFileOutbox(file(), OutboxRecordSchema, logger) });
    outboxes.push(outbox);
    return outbox;
  }
  const posted = (text: string) => fake.messages.filter((m) => m.text === text);
  const logged = (message: string) => lines.some((l) => (JSON.parse(l) as { msg: string }).msg === message);

  it('Slack failing, then not answering, then back: the post arrives once', async () => {
    const outbox = start();
    fake.fail('chat.postMessage', 'service_unavailable');
    expect(await outbox.post('5xx alert on dev', { channel: CHANNEL, message: alert('Guardrail breached on dev') })).toBeUndefined();
    expect(outbox.pending().map((r) => r.what)).toEqual(['5xx alert on dev']);

    fake.clearFailures();
    fake.hang('chat.postMessage');
    await clock.advance(RETRY_MS);
    await fake.waitFor(() => (fake.callsOf('chat.postMessage').length === 2 ? true : undefined), 'the retry, unanswered');
    await outbox.sweep(); // the hung call ends at the client's deadline
    expect(outbox.pending()).toHaveLength(1);
    expect(logged('Slack still does not take a kept message; trying again later')).toBe(true);

    fake.clearFailures();
    await clock.advance(4 * RETRY_MS);
    await outbox.sweep();
    expect(posted('Guardrail breached on dev')).toHaveLength(1);
    expect(JSON.stringify(posted('Guardrail breached on dev')[0]!.blocks)).not.toContain('Sent late'); // 30 s
    expect(outbox.pending()).toEqual([]);
    await expect(fs.readFile(file(), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });

    await clock.advance(10 * RETRY_MS);
    expect(posted('Guardrail breached on dev')).toHaveLength(1);
  });

  it('a restart while Slack is down: the next run sends the post, once, in its thread', async () => {
    const first = start();
    fake.hang('chat.postMessage');
    await first.post('end of the watch of dev', { channel: CHANNEL, threadTs: '1767268800.000001', message: alert('Stopped watching dev') });
    await first.stop();
    expect(logged('Slack messages still unsent at shutdown; the next start sends them')).toBe(true);
    outboxes.splice(outboxes.indexOf(first), 1);

    fake.clearFailures();
    await clock.advance(5 * 60_000); // the bot is down for five minutes
    const second = start();
    await second.start();
    await second.sweep();
    const arrived = posted('Stopped watching dev');
    expect(arrived).toHaveLength(1);
    expect(arrived[0]!.threadTs).toBe('1767268800.000001');
    expect(JSON.stringify(arrived[0]!.blocks)).toContain('Sent late: Slack did not take this message at 2026-01-01 12:00 UTC');
    expect(logged('sending the Slack messages the last run could not send')).toBe(true);

    // Neither the stopped run nor a third start sends it again.
    await clock.advance(10 * RETRY_MS);
    const third = start();
    await third.start();
    await third.sweep();
    expect(posted('Stopped watching dev')).toHaveLength(1);
  });

  it('a post still under way at shutdown: stop waits for its answer, so the next run has it when Slack never answered', async () => {
    const first = start();
    fake.hang('chat.postMessage');
    const posting = first.post('5xx alert on dev', { channel: CHANNEL, message: alert('Guardrail breached on dev') });
    await fake.waitFor(() => (fake.callsOf('chat.postMessage').length === 1 ? true : undefined), 'the post, unanswered');
    await first.stop(); // the process exits right after this
    outboxes.splice(outboxes.indexOf(first), 1);
    expect(JSON.parse(await fs.readFile(file(), 'utf8'))).toEqual([expect.objectContaining({ what: '5xx alert on dev' })]);
    expect(await posting).toBeUndefined();

    fake.clearFailures();
    const second = start();
    await second.start();
    await second.sweep();
    expect(posted('Guardrail breached on dev')).toHaveLength(1); // the unanswered call showed nothing here
  });

  it('keeps posts to one place in order: a new one waits behind a kept one, another thread does not', async () => {
    const outbox = start();
    fake.rateLimit('chat.postMessage', 30, 1);
    await outbox.post('first', { channel: CHANNEL, message: alert('first') });
    expect(await outbox.post('second', { channel: CHANNEL, message: alert('second') })).toBeUndefined();
    expect(await outbox.post('in a thread', { channel: CHANNEL, threadTs: '1.1', message: alert('in a thread') })).toEqual(expect.any(String));
    await outbox.sweep(); // before Retry-After: nothing is tried
    expect(fake.callsOf('chat.postMessage')).toHaveLength(2);

    await clock.advance(30_000);
    await outbox.sweep();
    expect(fake.messages.map((m) => m.text)).toEqual(['in a thread', 'first', 'second']);
  });

  it('two edits of one message while Slack is slow: the second waits for the first, so the message ends in the newest state', async () => {
    const outbox = start();
    const ts = (await outbox.post('request', { channel: CHANNEL, message: alert('Switchover request') }))!;
    fake.slow('chat.update', 100, 1); // the first edit is answered late, within the deadline
    const edits = [outbox.update('approving', { channel: CHANNEL, ts, message: alert('Approving') }), outbox.update('applied', { channel: CHANNEL, ts, message: alert('Applied') })];
    expect(await Promise.all(edits)).toEqual([true, true]);
    expect(fake.messages[0]!.versions.map((v) => v.text)).toEqual(['Switchover request', 'Approving', 'Applied']);
  });

  it('an edit replaces an older edit of the same message still waiting: the newest state is sent, once', async () => {
    const outbox = start();
    const ts = (await outbox.post('request', { channel: CHANNEL, message: alert('Switchover request') }))!;
    fake.fail('chat.update', 'internal_error');
    expect(await outbox.update('approving', { channel: CHANNEL, ts, message: alert('Approving') })).toBe(false);
    expect(await outbox.update('applied', { channel: CHANNEL, ts, message: alert('Applied') })).toBe(false);
    expect(outbox.pending().map((r) => r.what)).toEqual(['applied']);

    fake.clearFailures();
    await clock.advance(RETRY_MS);
    await outbox.sweep();
    expect(fake.callsOf('chat.update').filter((c) => c.args.text === 'Approving')).toHaveLength(1); // the failed try
    expect(fake.messages[0]!.versions.map((v) => v.text)).toEqual(['Switchover request', 'Applied']);
  });

  it('drops what Slack refuses for good: thrown at once, and logged when found on a retry', async () => {
    const outbox = start();
    fake.notInChannel.add('C0OTHER');
    await expect(outbox.post('x', { channel: 'C0OTHER', message: alert('x') })).rejects.toMatchObject({ data: { error: 'not_in_channel' } });
    expect(outbox.pending()).toEqual([]);

    fake.fail('chat.postMessage', 'service_unavailable', 1);
    await outbox.post('y', { channel: 'C0OTHER', message: alert('y') });
    await clock.advance(RETRY_MS);
    await outbox.sweep();
    expect(outbox.pending()).toEqual([]);
    expect(logged('Slack refused a kept message for good; it is dropped')).toBe(true);
  });

  it('reads each record back through its schema: a damaged one is skipped with a warning naming it, the others are sent', async () => {
    const good = { kind: 'post', id: '1', what: 'kept', channel: CHANNEL, message: alert('kept'), queuedAt: clock.now(), attempts: 1 };
    const damaged = { ...good, id: '2', what: 'damaged', channel: 42 };
    await fs.writeFile(file(), JSON.stringify([damaged, good]));
    const outbox = start();
    await outbox.start();
    await outbox.sweep();
    expect(fake.messages.map((m) => m.text)).toEqual(['kept']);
    const warning = lines.map((l) => JSON.parse(l) as { msg: string; record?: number; problem?: string }).find((l) => l.msg === 'an unsent Slack message read back is not valid and was skipped');
    expect(warning).toMatchObject({ record: 1, problem: expect.stringContaining('channel') });
  });

  it('gives a message up, logged, when Slack has not taken it for hours', async () => {
    const outbox = start();
    fake.fail('chat.postMessage', 'service_unavailable');
    await outbox.post('old alert', { channel: CHANNEL, message: alert('old alert') });
    await clock.advance(GIVE_UP_AFTER_MS + RETRY_MS);
    await outbox.sweep();
    fake.clearFailures();
    await clock.advance(RETRY_MS);
    await outbox.sweep();
    expect(outbox.pending()).toEqual([]);
    expect(posted('old alert')).toEqual([]);
    expect(logged('gave up a Slack message Slack has not taken for hours')).toBe(true);
  });
});
