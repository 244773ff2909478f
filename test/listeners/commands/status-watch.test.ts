// `/switchover status` while a change is watched, end to end: the real app over the simulated stack on a
// ManualClock, a 5xx breach injected at a known minute, signed slash commands, a fake Slack. Status must say
// what the watch says, first: a breach the watch alerted on is never absent from it.
import { rm } from 'node:fs/promises';
import { ManualClock } from '../../../src/adapters/clock';
import { MINUTE_MS } from '../../../src/core/types';
import type { FakeMessage } from '../../support/fake-slack';
import { PERMALINK_TIMEOUT_MS } from '../../../src/slack/status-context';
import { CHANNEL } from '../../support/slack-harness';
import { applyAndWatch, channelMessages, minutes, sharedSlackAndDataDir, startWatchBench, T0, until, type WatchBench } from '../../slack/watch-e2e-support';

describe('/switchover status during a watched change', () => {
  let bench: WatchBench;
  beforeEach(async () => {
    bench = await startWatchBench();
  });
  afterEach(async () => {
    await bench.h.stop().catch(() => undefined);
  });

  async function status(stage: string): Promise<FakeMessage> {
    const { h } = bench;
    const done = () => h.logs().filter((l) => l.msg === 'status posted').length;
    const before = done();
    await h.slash(`status ${stage}`);
    await until(() => done() > before, 'the status to be posted');
    return h.fake.messages.filter((m) => m.channel === CHANNEL && !m.threadTs && /^Switchover status/.test(m.text ?? '')).at(-1)!;
  }

  /** The text of the status message's sections, in order. */
  const sections = (message: FakeMessage) =>
    (message.blocks as { type: string; text?: { text: string } }[]).filter((b) => b.type === 'section').map((b) => b.text!.text);

  it('right after a guardrail alert, names the breach first: which guardrail, since when, and the alert message', async () => {
    const { h, clock } = bench;
    await applyAndWatch(bench, 'staging', 50);
    await minutes(bench, 3);
    expect(clock.now()).toBe(T0 + 3 * MINUTE_MS);
    h.deps.simulation!.stack.setErrorSpike('staging', 0.2); // the target proxy answers 20% 5xx from 12:03
    await minutes(bench, 3);
    const [alert] = channelMessages(h, /^Guardrail breached on staging: 5xx rate/);
    expect(alert).toBeDefined();

    const message = await status('staging');
    expect(message.text).toMatch(/^Switchover status of staging: guardrail breached: 5xx rate since 12:03 UTC; /);
    const [watch, traffic] = sections(message);
    expect(watch).toMatch(/^\*Watch:\* :rotating_light: \*guardrail breached:\* 5xx rate \(minute 12:04-12:05 UTC\)/);
    // The judge's verdicts, in the progress message's words, then the breach with its alert.
    expect(watch).toMatch(/\n:rotating_light: target 5xx \d+ of \d+ \([\d.]+ %\) vs source .*: breach at 99 % confidence/);
    expect(watch).toContain('• *5xx rate* since 12:03 UTC (ongoing).');
    expect(watch).toContain(`<https://example.slack.com/archives/${CHANNEL}/p${alert!.ts.replace('.', '')}|Alert message>`);
    expect(watch).toMatch(/_Watching after r-\S+, applied 12:00 UTC, until 13:00 UTC\._/);
    expect(traffic).toMatch(/^\*Traffic:\* 50% configured/);
  });

  it('does not wait more than its deadline for the link to the alert message', async () => {
    const { h, clock } = bench;
    await applyAndWatch(bench, 'staging', 50);
    await minutes(bench, 3);
    h.deps.simulation!.stack.setErrorSpike('staging', 0.2);
    await minutes(bench, 3);
    h.fake.hang('chat.getPermalink');

    const done = () => h.logs().filter((l) => l.msg === 'status posted').length;
    await h.slash('status staging');
    await h.fake.waitFor(() => h.fake.callsOf('chat.getPermalink')[0], 'the permalink request');
    expect(done()).toBe(0);
    await clock.advance(PERMALINK_TIMEOUT_MS);
    await until(() => done() > 0, 'the status to be posted without the link');
    const message = h.fake.messages.filter((m) => /^Switchover status/.test(m.text ?? '')).at(-1)!;
    const [watch] = sections(message);
    expect(watch).toContain('• *5xx rate* since 12:03 UTC (ongoing)');
    expect(watch).toContain(`Alert in <#${CHANNEL}>.`);
  });

  it('keeps showing the breach after a restart of the bot, from the journal, before the watch judges again', async () => {
    await bench.h.stop(); // this test runs two bots on one Slack and one data directory
    const { fake, dataDir } = await sharedSlackAndDataDir();
    const clock = new ManualClock(T0);
    const first = await startWatchBench({}, { fake, dataDir }, clock);
    try {
      await applyAndWatch(first, 'staging', 50);
      await minutes(first, 3);
      first.h.deps.simulation!.stack.setErrorSpike('staging', 0.2);
      await minutes(first, 3);
      expect(channelMessages(first.h, /^Guardrail breached/)).toHaveLength(1);
      await first.h.stop();
      bench = await startWatchBench({}, { fake, dataDir, simulation: first.h.deps.simulation! }, clock);

      const [watch] = sections(await status('staging'));
      expect(watch).toContain(':rotating_light: *guardrail breached:* 5xx rate (as the watch alerted; no minute judged since the bot started)');
      expect(watch).toContain('• *5xx rate* since 12:03 UTC (as alerted)');
      expect(watch).toContain('|Alert message>');
      expect(watch).not.toContain('within guardrails');
    } finally {
      await first.h.stop().catch(() => undefined);
      await bench.h.stop();
      await fake.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
