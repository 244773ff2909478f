// Watching a switchover to its end, through the real app: the simulated stack behind the real AWS adapters,
// a ManualClock moved minute by minute, the SlackWatchReporter talking to a fake Slack.
import type { JournalRecord } from '../../src/core/journal';
import {
  REQUEST_FALLBACK_ACTION,
  REQUEST_FORCE_RECONNECT_ACTION,
  applyAndWatch,
  buttons,
  channelMessages,
  lastMinuteSplit,
  minutes,
  progressMessages,
  shown,
  startWatchBench,
  type WatchBench,
} from './watch-e2e-support';

describe('watching after a change, end to end', () => {
  let bench: WatchBench;
  beforeEach(async () => {
    bench = await startWatchBench();
  });
  afterEach(async () => {
    await bench.h.stop();
  });

  const journal = async (type: JournalRecord['type']) =>
    (await bench.h.deps.core.journal.readAll()).filter((r) => r.type === type);
  const alerts = () => channelMessages(bench.h, /^Guardrail breached/);

  it('posts one progress message in the thread and updates it in place as the split moves', async () => {
    const { h } = bench;
    const { threadTs, requestId } = await applyAndWatch(bench, 'staging', 10);
    await minutes(bench, 8);

    const progress = progressMessages(h, threadTs);
    expect(progress).toHaveLength(1);
    const [message] = progress;
    expect(message!.versions).toHaveLength(8);
    expect(h.fake.callsOf('chat.update').filter((c) => c.args.ts === message!.ts)).toHaveLength(7);
    const splits = message!.versions.map(lastMinuteSplit).filter((s): s is number => s !== null);
    // Keep-alive clients move only as they reconnect: the split climbs towards the configured 10%.
    expect(splits.length).toBeGreaterThanOrEqual(5);
    expect(splits[0]!).toBeLessThan(splits.at(-1)!);
    expect(splits.at(-1)!).toBeGreaterThan(5);
    expect(splits.at(-1)!).toBeLessThanOrEqual(11);
    const latest = shown(message);
    expect(latest).toContain(`*Watching staging* after the shift to source 90 / target 10`);
    expect(latest).toContain(requestId);
    expect(latest).toContain('configured 10%');
    // 5xx is about to be shown healthy (the newer half of the window needs a minute more); a p99 of the
    // target's ~70 requests a minute is about their maximum, so latency stays inconclusive (never a pass).
    expect(latest).toMatch(
      /:hourglass: target 5xx 0 of [\d,]+ \(0%\) vs source [\d,]+ of [\d,]+ \([\d.]+%\) over 7 minutes, .*: inconclusive; if the rates hold, about 1 more minute at this traffic \(\d+ more target requests\) would show it healthy at 95% confidence/,
    );
    expect(latest).toContain('only 0 minutes with at least 100 target requests, whose p99 can show it healthy');
    expect(latest).toMatch(/Target proxy targets:\* 2\/2 healthy/);
    expect(message!.text).toBe('Watching staging: inconclusive');
    // The progress message is journalled, so a restart updates the same one.
    expect(await journal('watch.progress-posted')).toEqual([expect.objectContaining({ requestId, messageTs: message!.ts })]);
    expect(alerts()).toEqual([]);
    // As it said: one more minute, and 5xx is healthy.
    await minutes(bench, 1);
    expect(shown(progressMessages(h, threadTs)[0])).toMatch(/:white_check_mark: target 5xx 0 of [\d,]+ \(0%\) vs source .* over 8 minutes, .*: healthy at 95% confidence/);
  });

  it('alerts once per guardrail on an error spike, in the channel, with a Request fallback button', async () => {
    const { h } = bench;
    const { threadTs } = await applyAndWatch(bench, 'staging', 50);
    await minutes(bench, 3);
    expect(alerts()).toEqual([]);
    h.deps.simulation!.stack.setErrorSpike('staging', 0.2);
    await minutes(bench, 4);
    // 20 % errors show at once; the slower p99 (x3) needs enough minutes for the rank test.
    expect(alerts().map((m) => m.text?.replace(/\..*/s, ''))).toEqual(['Guardrail breached on staging: 5xx rate']);
    await minutes(bench, 8);

    const sent = alerts();
    expect(sent.map((m) => m.text?.replace(/\..*/s, ''))).toEqual([
      'Guardrail breached on staging: 5xx rate',
      'Guardrail breached on staging: p99 latency',
    ]);
    for (const alert of sent) {
      expect(alert.threadTs).toBeUndefined();
      expect(buttons(alert)).toEqual([REQUEST_FALLBACK_ACTION]);
    }
    expect(shown(sent[0])).toMatch(/5xx/);
    expect(shown(progressMessages(h, threadTs)[0])).toContain('guardrail breached');
    expect((await journal('guardrail.breached')).map((r) => (r as { guardrail: string }).guardrail)).toEqual(['error-rate', 'p99-latency']);
  });

  it('alerts when the target proxy targets turn unhealthy', async () => {
    const { h } = bench;
    await applyAndWatch(bench, 'staging', 50);
    await minutes(bench, 2);
    h.deps.simulation!.stack.setUnhealthy('staging', 'target', 'Target.Timeout');
    await minutes(bench, 3);
    const unhealthy = alerts().filter((m) => /unhealthy targets/.test(m.text ?? ''));
    expect(unhealthy).toHaveLength(1);
    expect(buttons(unhealthy[0]!)).toEqual([REQUEST_FALLBACK_ACTION]);
  });

  it('says a few requests cannot tell yet, and how much more would, rather than alert on them', async () => {
    const { h } = bench;
    const { threadTs } = await applyAndWatch(bench, 'staging', 10);
    h.deps.simulation!.stack.stage('staging').requestsPerMinute = 30;
    h.deps.simulation!.stack.setErrorSpike('staging', 0.5);
    await minutes(bench, 6);
    const message = progressMessages(h, threadTs)[0]!;
    expect(shown(message)).toMatch(/:hourglass: target 5xx \d+ of \d+ \([\d.]+%\) vs source .*: inconclusive; if the rates hold, about \d+ more minutes? at this traffic/);
    expect(message.text).toBe('Watching staging: inconclusive');
    expect(alerts()).toEqual([]);
  });

  it('after a 100% shift reports pinned connections with a force reconnect offer, then completion', async () => {
    const { h } = bench;
    const { threadTs, requestId } = await applyAndWatch(bench, 'staging', 100);
    await minutes(bench, 6);
    const pinned = channelMessages(h, /^Requests still reach the source proxy on staging at weight 0/);
    expect(pinned).toHaveLength(1);
    expect(pinned[0]!.text).toMatch(/~\d+ requests\/min for \d+ minutes\. These are clients on kept-alive \(pinned\) connections/);
    expect(buttons(pinned[0]!)).toEqual([REQUEST_FORCE_RECONNECT_ACTION]);
    expect(shown(progressMessages(h, threadTs)[0])).toContain('pinned connections');

    // The pinned clients reconnect bit by bit, through the load balancer, to the target proxy.
    await minutes(bench, 50);
    // The watch has ended by now; its last Slack call may still be on its way.
    await h.fake.waitFor(() => channelMessages(h, /^Switchover of staging is complete/)[0], 'the completion message');
    const completed = channelMessages(h, /^Switchover of staging is complete/);
    expect(completed).toHaveLength(1);
    expect(completed[0]!.text).toContain('the source proxy has served no requests for 5 consecutive minutes');
    expect(completed[0]!.text).toContain('The source cluster can be taken offline.');
    expect(h.deps.watcher.active()).toEqual([]);
    expect(await journal('watch.ended')).toEqual([expect.objectContaining({ requestId, reason: 'completed' })]);
    // Pinned connections are said again at most every 15 minutes while they last.
    expect(channelMessages(h, /^Requests still reach the source proxy/).length).toBeLessThanOrEqual(3);
    expect(progressMessages(h, threadTs)).toHaveLength(1);
  });

  it('says metrics are unavailable while CloudWatch is down, and carries on in the same message', async () => {
    const { h } = bench;
    const { threadTs } = await applyAndWatch(bench, 'staging', 10);
    const { stack } = h.deps.simulation!;
    await minutes(bench, 3);
    stack.cloudWatchDown = true;
    await minutes(bench, 2);
    const message = progressMessages(h, threadTs)[0]!;
    expect(shown(message)).toContain('Not available this minute');
    expect(shown(message)).toContain('simulated CloudWatch outage');
    expect(shown(message)).toContain('Watching goes on.');
    stack.cloudWatchDown = false;
    await minutes(bench, 2);
    expect(progressMessages(h, threadTs)).toHaveLength(1);
    expect(shown(message)).not.toContain('Not available this minute');
    expect(message.versions).toHaveLength(7);
    expect(alerts()).toEqual([]);
  });

  it('posts a new progress message when the old one cannot be updated, and keeps updating that one', async () => {
    const { h } = bench;
    const { threadTs } = await applyAndWatch(bench, 'staging', 10);
    await minutes(bench, 2);
    h.fake.fail('chat.update', 'message_not_found', 1);
    await minutes(bench, 2);
    const progress = progressMessages(h, threadTs);
    expect(progress).toHaveLength(2);
    expect(progress[1]!.versions).toHaveLength(2);
    expect(await journal('watch.progress-posted')).toHaveLength(2);
  });

  it('keeps a rate-limited alert and posts it the next minute', async () => {
    const { h, clock } = bench;
    await applyAndWatch(bench, 'staging', 50);
    await minutes(bench, 2);
    const loops = clock.pending; // every loop sleeping on the clock (the watch's among them)
    h.deps.simulation!.stack.setErrorSpike('staging', 0.2);
    const attempts = () => h.fake.callsOf('chat.postMessage').filter((c) => /^Guardrail breached on staging: 5xx/.test(String(c.args.text)));
    // Slack rate-limits every post until the 5xx guardrail has tried to alert.
    for (let i = 0; i < 6 && attempts().length === 0; i++) {
      h.fake.rateLimit('chat.postMessage', 1, 1);
      await minutes(bench, 1);
    }
    h.fake.clearFailures();
    expect(attempts()).toHaveLength(1);
    expect(alerts()).toEqual([]);
    expect(clock.pending).toBe(loops + 1); // and the retry

    await minutes(bench, 1, loops);
    expect(attempts()).toHaveLength(2);
    expect(alerts()[0]!.text).toMatch(/^Guardrail breached on staging: 5xx rate\./);
    expect(h.logs().some((l) => l.msg === 'Slack took a message it had not taken before')).toBe(true);
  });
});
