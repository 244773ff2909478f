// `/switchover status` while a change is watched, end to end: the real app over the simulated stack on a
// ManualClock, a 5xx breach injected at a known minute, signed slash commands, a fake Slack. Status must say
// what the watch says, first: a breach the watch alerted on is never absent from it.
import { rm } from 'node:fs/promises';
import { ManualClock } from '../../../src/adapters/clock';
import { createSimulatedAws, DEFAULT_STAGES } from '../../../src/adapters/sim';
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
    expect(watch).toMatch(/\n:rotating_light: target 5xx \d+ of \d+ \([\d.]+%\) vs source .*: breach at 99% confidence/);
    expect(watch).toContain('• *5xx rate* since 12:03 UTC (ongoing).');
    expect(watch).toContain(`<https://example.slack.com/archives/${CHANNEL}/p${alert!.ts.replace('.', '')}|Alert message>`);
    expect(watch).toMatch(/_Watching after r-\S+, applied 12:00 UTC, until 13:00 UTC\._/);
    expect(traffic).toMatch(/^\*Traffic:\* 50% configured/);
  });

  it('flags the breach on the stage\'s line of the status without a stage', async () => {
    const { h } = bench;
    await applyAndWatch(bench, 'staging', 50);
    await minutes(bench, 3);
    h.deps.simulation!.stack.setErrorSpike('staging', 0.2);
    await minutes(bench, 3);
    const { body } = await h.responseTo(await h.slash('status'));
    expect(body.text).toBe('2 stages, 1 with a guardrail breached');
    const shown = JSON.stringify(body.blocks);
    expect(shown).toMatch(/\*staging\*: source 50 \/ target 50 [^"]*:rotating_light: guardrail breached: 5xx rate since 12:03 UTC/);
    expect(shown).not.toMatch(/\*dev\*:[^\\]*rotating_light/);
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

  it('still names a breach in progress when the journal cannot be read, from the watch itself', async () => {
    const { h } = bench;
    await applyAndWatch(bench, 'staging', 50);
    await minutes(bench, 3);
    h.deps.simulation!.stack.setErrorSpike('staging', 0.2);
    await minutes(bench, 3);
    h.deps.core.journal.readAll = async () => {
      throw new Error('EIO: i/o error, read');
    };
    const message = await status('staging');
    const [watch] = sections(message);
    expect(watch).toMatch(/^\*Watch:\* :rotating_light: \*guardrail breached:\* 5xx rate/);
    expect(watch).toMatch(/• \*5xx rate\* since 12:0\d UTC \(ongoing\)\./);
    expect(JSON.stringify(message.blocks)).toContain('the journal could not be read (EIO: i/o error, read): no baseline, no change markers, and only the breaches the watch sees now');
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

describe('/switchover status right after a shift: the traffic window never straddles it', () => {
  let bench: WatchBench;
  afterEach(async () => {
    await bench.h.stop();
  });

  /** The app over a simulated stack whose `dev` stage keeps `keepAliveShare` of its traffic on kept-alive connections. */
  async function start(keepAliveShare: number): Promise<void> {
    const clock = new ManualClock(T0);
    const stages = DEFAULT_STAGES.map((s) => (s.name === 'dev' ? { ...s, targetProxyDesired: 3, keepAliveShare } : s));
    bench = await startWatchBench({}, { simulation: createSimulatedAws({ clock, stages }) }, clock);
    await clock.advance(2 * MINUTE_MS); // the target proxy's tasks start and turn healthy
  }

  async function status(): Promise<{ traffic: string; footer: string; text: string }> {
    const { h } = bench;
    const done = () => h.logs().filter((l) => l.msg === 'status posted').length;
    const before = done();
    await h.slash('status dev');
    await until(() => done() > before, 'the status to be posted');
    const message = h.fake.messages.filter((m) => m.channel === CHANNEL && !m.threadTs && /^Switchover status/.test(m.text ?? '')).at(-1)!;
    const blocks = message.blocks as { type: string; text?: { text: string }; elements?: { text: string }[] }[];
    const traffic = blocks.find((b) => b.type === 'section' && b.text!.text.startsWith('*Traffic:*'))!.text!.text;
    const footer = blocks.flatMap((b) => (b.type === 'context' ? b.elements!.map((e) => e.text) : [])).find((t) => t.startsWith('Read at'))!;
    return { traffic, footer, text: message.text ?? '' };
  }

  it('with traffic that follows the weights, says which minutes and invents no kept-alive connections', async () => {
    await start(0);
    await bench.clock.advance(20_000);
    await applyAndWatch(bench, 'dev', 25); // at 12:02:20
    const first = await status();
    expect(first.traffic).toBe('*Traffic:* 25% configured; no settled minute since the 25% shift at 12:02 UTC yet (the first, 12:03-12:04 UTC, is read at 12:05 UTC)');

    await minutes(bench, 4); // 12:06:20: 12:03 and 12:04 have settled (each is read 60 s after it ends)
    const { traffic, footer } = await status();
    const observed = Number(/25% configured, ([\d.]+)% observed/.exec(traffic)?.[1]);
    expect(observed).toBeGreaterThan(24);
    expect(observed).toBeLessThan(26);
    expect(traffic).toContain('(12:03-12:05 UTC, 2 settled minutes since the 25% shift)');
    expect(traffic).not.toMatch(/kept-alive|keep connections alive|pinned/);
    expect(footer).toContain('Traffic figures: 12:03-12:05 UTC, 2 settled minutes since the 25% shift; never minutes from before the last change.');
  });

  it('gives kept-alive connections as the reason only with the settled minutes after the change that show it', async () => {
    await start(0.6);
    await applyAndWatch(bench, 'dev', 50); // at 12:02:00
    await minutes(bench, 4);
    const { traffic } = await status();
    expect(traffic).toMatch(
      /^\*Traffic:\* 50% configured, [\d.]+% observed \(12:02-12:05 UTC, 3 settled minutes since the 50% shift\): the source proxy served [\d.]+% of requests against 50% configured \(~\d+ requests\/min over its share\), after the 50% shift took weight from it: clients on kept-alive connections stay until they reconnect$/,
    );
  });
});
