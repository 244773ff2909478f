import { ManualClock } from '../../src/adapters/clock';
import type { JournalRecord } from '../../src/core/journal';
import type { GuardrailBreach } from '../../src/core/judge';
import { MINUTE_MS, type Weights } from '../../src/core/types';
import { Watcher, type PinnedConnections, type WatchInfo, type WatchReporter, type WatchTick } from '../../src/core/watch';
import { fakeDeps } from '../support/fake-ports';
import { cloudWatchDown, type MinuteScript, scripted, WATCH_SETTINGS } from '../support/traffic-script';


const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const APPLIED_AT = T0 + 10_000;
const settings = WATCH_SETTINGS;
/** SWITCHOVER_SETTLE_SECONDS=90: the scenarios below are timed for a minute read 90 s after it ends. */
const LAG_90 = { settleMs: 90_000 };

/** Minute index relative to 12:00 UTC (the minute the change was applied in). */
const idx = (t: number) => (t - T0) / MINUTE_MS;

class RecordingReporter implements WatchReporter {
  ticks: WatchTick[] = [];
  alerts: GuardrailBreach[] = [];
  pinnedCalls: PinnedConnections[] = [];
  completedCalls: WatchInfo[] = [];
  endedCalls: Array<[string, string]> = [];
  outsideCalls: string[] = [];
  logs: string[] = [];
  failProgress = false;
  ts = 'ts-1';
  async progress(tick: WatchTick): Promise<string | undefined> {
    if (this.failProgress) throw new Error('slack down');
    this.ticks.push(tick);
    return this.ts;
  }
  async alert(_w: WatchInfo, breach: GuardrailBreach): Promise<void> {
    this.alerts.push(breach);
  }
  async pinned(_w: WatchInfo, pinned: PinnedConnections): Promise<void> {
    this.pinnedCalls.push(pinned);
  }
  async completed(watch: WatchInfo): Promise<void> {
    this.completedCalls.push(watch);
  }
  async changedOutside(_w: WatchInfo, description: string): Promise<void> {
    this.outsideCalls.push(description);
  }
  async ended(watch: WatchInfo, reason: string): Promise<void> {
    this.endedCalls.push([watch.requestId, reason]);
  }
  log(level: string, message: string): void {
    this.logs.push(`${level}: ${message}`);
  }
}

function setup(script: MinuteScript, weights: Weights = { source: 0, target: 100 }) {
  const deps = fakeDeps({ clock: new ManualClock(T0) });
  deps.metrics.script = (window) => scripted(window, script);
  deps.loadBalancer.weights = { ...weights }; // the listener holds what the bot applied
  const reporter = new RecordingReporter();
  const watcher = new Watcher(deps, settings, reporter, LAG_90);
  const start = (requestId = 'r-0000000001', appliedWeights = weights) =>
    watcher.start({ stage: 'dev', requestId, channel: 'C1', threadTs: '111.222', appliedWeights, appliedAt: APPLIED_AT });
  const minutes = (n: number) => deps.clock.advance(n * MINUTE_MS);
  const records = (type: JournalRecord['type']) => deps.journal.records.filter((r) => r.type === type);
  return { deps, reporter, watcher, start, minutes, records };
}

const before = { source: { requests: 1000, http5xx: 2, latencyAvg: 0.01, latencyP99: 0.1 } };

describe('Watcher', () => {
  it('journals the watch, then (lag 90 s) ticks 30 s after each minute on the minute that ended 90 s earlier', async () => {
    const { deps, reporter, start, minutes, records } = setup(() => before);
    const info = await start();
    expect(info).toMatchObject({ mode: 'shift', until: APPLIED_AT + 60 * MINUTE_MS });
    expect(records('watch.started')).toEqual([
      expect.objectContaining({ stage: 'dev', requestId: 'r-0000000001', threadTs: '111.222', appliedWeights: { source: 0, target: 100 } }),
    ]);
    await minutes(4);
    expect(reporter.ticks.map((t) => t.at - T0)).toEqual([30_000, 90_000, 150_000, 210_000]);
    expect(deps.metrics.calls.map((w) => idx(w.end))).toEqual([-1, 0, 1, 2]);
    // Reads start 10 minutes before the change: the source's "before" figures.
    expect(deps.metrics.calls.every((w) => idx(w.start) === -10)).toBe(true);
    expect(reporter.ticks.map((t) => t.minute === null ? null : idx(t.minute))).toEqual([null, null, 0, 1]);
    expect(deps.loadBalancer.calls.filter((c) => c === 'targetHealth')).toHaveLength(4);
  });

  it('with the default lag (60 s, what AWS documents) ticks on each minute, on the minute that ended 60 s earlier', async () => {
    const deps = fakeDeps({ clock: new ManualClock(T0) });
    deps.metrics.script = (window) => scripted(window, () => before);
    const reporter = new RecordingReporter();
    const watcher = new Watcher(deps, settings, reporter);
    await watcher.start({ stage: 'dev', requestId: 'r-1', channel: 'C1', threadTs: '1.2', appliedWeights: { source: 0, target: 1 }, appliedAt: APPLIED_AT });
    await deps.clock.advance(3 * MINUTE_MS);
    expect(reporter.ticks.map((t) => t.at - T0)).toEqual([60_000, 120_000, 180_000]);
    expect(deps.metrics.calls.map((w) => idx(w.end))).toEqual([0, 1, 2]);
    await watcher.stop();
  });

  it('does not count a newest minute that shows no requests at all as quiet: it may not be published yet', async () => {
    // Source silent from the change on; the newest minute (12:03) has no datapoint on either side.
    const { reporter, start, minutes, watcher } = setup((t) =>
      idx(t) < 0 ? before : idx(t) >= 3 ? {} : { target: { requests: 1000, http5xx: 1, latencyAvg: 0.01, latencyP99: 0.1 } },
    );
    await start();
    await minutes(6);
    const tick = reporter.ticks.find((x) => x.minute !== null && idx(x.minute) === 3)!;
    expect(tick.completion.quietMinutes).toBe(0);
    const earlier = reporter.ticks.find((x) => x.minute !== null && idx(x.minute) === 2)!;
    expect(earlier.completion.quietMinutes).toBe(2);
    await watcher.stop();
  });

  it('shows the split moving after a shift, minute by minute', async () => {
    const share = [5, 8, 10, 10, 10];
    const { reporter, start, minutes } = setup(
      (t) => {
        const i = idx(t);
        if (i < 0) return before;
        const target = share[Math.min(i, share.length - 1)]! * 10;
        return { source: { ...before.source, requests: 1000 - target }, target: { requests: target, latencyP99: 0.1 } };
      },
      { source: 90, target: 10 },
    );
    await start('r-0000000001', { source: 90, target: 10 });
    await minutes(7);
    expect(reporter.ticks.map((t) => t.splitLastMinute?.targetPercent ?? null)).toEqual([null, null, 5, 8, 10, 10, 10]);
    // The recent split never reaches back before the change, nor into the minute it happened in (both weights).
    expect(reporter.ticks.map((t) => t.splitRecent?.targetPercent ?? null)).toEqual([null, null, null, 8, 9, 9.3, 9.5]);
    expect(reporter.ticks.at(-1)!.splitRecent?.window).toEqual({ start: T0 + MINUTE_MS, end: T0 + 5 * MINUTE_MS });
    // Connection errors (none on either side) need a little more traffic at 10 % than 5xx, whose source rate is above 0.
    expect(reporter.ticks.at(-1)!.evaluation.signals.map((v) => `${v.signal}: ${v.verdict}`)).toEqual([
      'error-rate: healthy',
      'connection-errors: inconclusive',
      'elb-5xx: healthy',
      'p99-latency: healthy',
    ]);
    expect(reporter.ticks.at(-1)!.configuredPercent).toBe(10);
    expect(reporter.ticks.at(-1)!.completion.applies).toBe(false);
  });

  it('says the switchover is complete after the source proxy served nothing for completeMinutes', async () => {
    const { deps, reporter, watcher, start, minutes, records } = setup((t) => {
      const i = idx(t);
      if (i < 0) return before;
      const source = i === 0 ? 500 : i === 1 ? 40 : 0;
      return { source: { requests: source }, target: { requests: 1000 - source, latencyP99: 0.1 } };
    });
    await start();
    await minutes(8); // reads minutes up to 12:05: 4 quiet minutes (12:02-12:05)
    expect(reporter.ticks.at(-1)!.completion).toEqual({ applies: true, quietMinutes: 4, needed: 5, complete: false });
    expect(reporter.completedCalls).toEqual([]);
    await minutes(1);
    expect(reporter.completedCalls).toHaveLength(1);
    expect(records('watch.ended')).toEqual([expect.objectContaining({ requestId: 'r-0000000001', reason: 'completed' })]);
    expect(watcher.active()).toEqual([]);
    await minutes(10);
    expect(reporter.ticks).toHaveLength(9);
    expect(deps.clock.pending).toBe(0);
    expect(reporter.pinnedCalls).toEqual([]);
  });

  it('reports pinned connections once they are clear, then at most every 15 minutes', async () => {
    const { reporter, start, minutes } = setup((t) =>
      idx(t) < 0 ? before : { source: { requests: 36 }, target: { requests: 964, latencyP99: 0.1 } },
    );
    await start();
    await minutes(5); // reads up to 12:02: two full minutes after the change with source traffic
    expect(reporter.pinnedCalls).toEqual([]);
    await minutes(1);
    expect(reporter.pinnedCalls).toEqual([{ minutes: 3, requestsPerMinute: 36 }]);
    await minutes(14);
    expect(reporter.pinnedCalls).toHaveLength(1);
    await minutes(1);
    expect(reporter.pinnedCalls).toHaveLength(2);
    expect(reporter.completedCalls).toEqual([]);
  });

  it('alerts once per breach episode of the 5xx guardrail, and journals it', async () => {
    const bad = new Set([1, 2, 3, 8, 9, 10]);
    const { reporter, start, minutes, records } = setup(
      (t) => {
        const i = idx(t);
        if (i < 0) return before;
        return {
          source: { requests: 500, http5xx: 1, latencyP99: 0.1 },
          target: { requests: 500, http5xx: bad.has(i) ? 25 : 0, latencyP99: 0.1 },
        };
      },
      { source: 50, target: 50 },
    );
    await start('r-0000000001', { source: 50, target: 50 });
    await minutes(3); // reads up to minute 0: healthy
    expect(reporter.alerts).toEqual([]);
    await minutes(1); // reads minute 1: 25 of 500 against 1 of 500 is a breach in one minute
    expect(reporter.alerts.map((b) => b.guardrail)).toEqual(['error-rate']);
    expect(reporter.alerts[0]!.detail).toBe(
      'target 5xx 25 of 500 (5%) vs source 1 of 500 (0.2%) in 12:01-12:02 UTC: breach at 99% confidence (more than 1 point worse)',
    );
    await minutes(6); // still breaching, then healed: no new alert
    expect(reporter.alerts).toHaveLength(1);
    expect(reporter.ticks.at(-1)!.evaluation.state).not.toBe('breach');
    await minutes(4); // breaching again from minute 8
    expect(reporter.alerts).toHaveLength(2);
    expect(records('guardrail.breached')).toEqual([
      expect.objectContaining({ guardrail: 'error-rate', requestId: 'r-0000000001' }),
      expect.objectContaining({ guardrail: 'error-rate', requestId: 'r-0000000001' }),
    ]);
  });

  it('alerts on p99 latency once the rank test is confident it is above the factor: 7 minutes a side in the same minutes', async () => {
    const { reporter, start, minutes } = setup(
      (t) => (idx(t) < 0 ? before : { source: before.source, target: { requests: 500, latencyP99: idx(t) >= 1 ? 0.3 : 0.1 } }),
      { source: 50, target: 50 },
    );
    await start('r-0000000001', { source: 50, target: 50 });
    await minutes(9); // reads up to minute 6: six slow minutes cannot reach 99%
    expect(reporter.alerts).toEqual([]);
    await minutes(1);
    expect(reporter.alerts.map((b) => b.guardrail)).toEqual(['p99-latency']);
    expect(reporter.alerts[0]!.detail).toContain('target p99 median 300 ms vs source median 100 ms (x2 tolerance: 200 ms) over 7 minutes');
  });

  it('alerts on an unhealthy target of the target proxy group once, not every minute', async () => {
    const { deps, reporter, start, minutes } = setup(() => before);
    deps.loadBalancer.health.target = [
      { id: '10.0.1.1', port: 9200, state: 'healthy' },
      { id: '10.0.1.2', port: 9200, state: 'unhealthy', reason: 'Target.Timeout' },
    ];
    await start();
    await minutes(5);
    expect(reporter.alerts.map((b) => b.guardrail)).toEqual(['unhealthy-targets']);
    expect(reporter.alerts[0]!.detail).toContain('10.0.1.2:9200 unhealthy (Target.Timeout)');
  });

  it('calls a few errors in little traffic inconclusive, never healthy, and never alerts on it', async () => {
    const { reporter, start, minutes } = setup(
      (t) => (idx(t) < 0 ? { source: { requests: 100 } } : { source: { requests: 90 }, target: { requests: 10, http5xx: idx(t) % 4 === 1 ? 1 : 0 } }),
      { source: 90, target: 10 },
    );
    await start('r-0000000001', { source: 90, target: 10 });
    await minutes(10);
    expect(reporter.ticks.slice(2).map((t) => t.evaluation.state)).toEqual(Array(8).fill('inconclusive'));
    expect(reporter.ticks.at(-1)!.evaluation.signals[0]!.text).toMatch(/^target 5xx 2 of 80 \(2\.5%\) vs source 0 of 720 \(0%\) over 8 minutes, 12:00-12:08 UTC: inconclusive/);
    expect(reporter.alerts).toEqual([]);
  });

  it('calls half of a dozen requests failing a breach: little traffic is no excuse when the evidence is plain', async () => {
    const { reporter, start, minutes } = setup(
      (t) => (idx(t) < 0 ? { source: { requests: 100 } } : { source: { requests: 90 }, target: { requests: 10, http5xx: 5 } }),
      { source: 90, target: 10 },
    );
    await start('r-0000000001', { source: 90, target: 10 });
    await minutes(3);
    expect(reporter.alerts.map((b) => b.guardrail)).toEqual(['error-rate']);
  });

  it('keeps watching through a CloudWatch failure and says the minute is unknown', async () => {
    const { deps, reporter, start, minutes } = setup(() => before, { source: 50, target: 50 });
    const healthyScript = (window: Parameters<NonNullable<typeof deps.metrics.script>>[0]) =>
      scripted(window, (t) => (idx(t) < 0 ? before : { source: before.source, target: { requests: 500, latencyP99: 0.1 } }));
    deps.metrics.script = healthyScript;
    await start('r-0000000001', { source: 50, target: 50 });
    await minutes(4);
    deps.metrics.script = () => cloudWatchDown();
    await minutes(1);
    deps.metrics.script = () => {
      throw new Error('socket hang up');
    };
    await minutes(1);
    deps.metrics.script = healthyScript;
    await minutes(1);
    const states = reporter.ticks.map((t) => t.evaluation.state);
    // p99 needs 3 minutes a side: inconclusive until then, never a pass.
    expect(states).toEqual(['no-data', 'no-data', 'inconclusive', 'inconclusive', 'no-data', 'no-data', 'healthy']);
    expect(reporter.ticks[4]!.missing).toEqual(['every metric: ThrottlingException: Rate exceeded']);
    expect(reporter.ticks[5]!.missing).toEqual(['CloudWatch metrics unavailable: socket hang up']);
    expect(reporter.alerts).toEqual([]);
  });

  it('logs a failing Slack side and keeps ticking', async () => {
    const { reporter, start, minutes, records } = setup(() => before);
    reporter.failProgress = true;
    await start();
    await minutes(2);
    reporter.failProgress = false;
    await minutes(1);
    expect(reporter.logs).toEqual(['warn: could not report progress of dev', 'warn: could not report progress of dev']);
    expect(reporter.ticks).toHaveLength(1);
    expect(records('watch.progress-posted')).toHaveLength(1);
  });

  it('ends the watch when its window elapses', async () => {
    const { deps, reporter, watcher, start, minutes, records } = setup(() => before);
    await start();
    await minutes(61);
    expect(reporter.endedCalls).toEqual([['r-0000000001', 'window-elapsed']]);
    expect(records('watch.ended')).toEqual([expect.objectContaining({ reason: 'window-elapsed' })]);
    expect(reporter.ticks).toHaveLength(60);
    expect(watcher.active()).toEqual([]);
    expect(deps.clock.pending).toBe(0);
  });

  it('lets a new change on the stage supersede the running watch', async () => {
    const { reporter, watcher, start, minutes, records } = setup(() => before);
    await start('r-0000000001');
    await minutes(2);
    await start('r-0000000002', { source: 100, target: 0 });
    expect(records('watch.ended')).toEqual([expect.objectContaining({ requestId: 'r-0000000001', reason: 'superseded' })]);
    expect(reporter.endedCalls).toEqual([['r-0000000001', 'superseded']]);
    expect(watcher.active().map((w) => [w.requestId, w.mode])).toEqual([['r-0000000002', 'fallback']]);
    reporter.ticks = [];
    await minutes(3);
    expect(reporter.ticks.map((t) => t.watch.requestId)).toEqual(['r-0000000002', 'r-0000000002', 'r-0000000002']);
    // After a fallback the source proxy is judged, and completion does not apply.
    expect(reporter.ticks.at(-1)!.health.side).toBe('source');
    expect(reporter.ticks.at(-1)!.completion.applies).toBe(false);
  });

  it('resumes after a restart from the journal, with its progress message and breaches already alerted', async () => {
    const first = setup(() => before);
    first.deps.loadBalancer.health.target = [{ id: '10.0.1.2', port: 9200, state: 'unavailable' }];
    await first.start();
    await first.minutes(3);
    expect(first.reporter.alerts).toHaveLength(1);
    await first.watcher.stop(); // SIGTERM: the watch stays open in the journal
    expect(first.records('watch.ended')).toEqual([]);
    expect(first.records('watch.progress-posted')).toEqual([expect.objectContaining({ messageTs: 'ts-1' })]);

    const reporter = new RecordingReporter();
    const watcher = new Watcher(first.deps, settings, reporter, LAG_90);
    const resumed = await watcher.resume();
    expect(resumed).toEqual([
      expect.objectContaining({ requestId: 'r-0000000001', messageTs: 'ts-1', appliedAt: APPLIED_AT, until: APPLIED_AT + 60 * MINUTE_MS }),
    ]);
    await first.minutes(2);
    expect(reporter.ticks.map((t) => t.watch.messageTs)).toEqual(['ts-1', 'ts-1']);
    expect(reporter.alerts).toEqual([]); // same episode: not alerted again
    expect(first.records('watch.progress-posted')).toHaveLength(1);
    expect(first.records('watch.started')).toHaveLength(1);
    await watcher.stop();
  });

  it('ends, on resume, a watch whose window passed while the bot was down', async () => {
    const first = setup(() => before);
    await first.start();
    await first.minutes(1);
    await first.watcher.stop();
    await first.deps.clock.advance(2 * 60 * MINUTE_MS);
    const reporter = new RecordingReporter();
    const resumed = await new Watcher(first.deps, settings, reporter, LAG_90).resume();
    expect(resumed).toEqual([]);
    expect(first.records('watch.ended')).toEqual([expect.objectContaining({ reason: 'window-elapsed' })]);
    expect(reporter.endedCalls).toEqual([['r-0000000001', 'window-elapsed']]);
    expect(first.deps.clock.pending).toBe(0);
  });

  it('judges against the prep baseline from the journal when the source carries nothing', async () => {
    const { deps, reporter, start, minutes } = setup((t) =>
      idx(t) < 0 ? before : { target: { requests: 1000, http5xx: 30, latencyP99: 0.1 } },
    );
    await deps.journal.append({
      type: 'prep.baseline',
      at: new Date(T0 - 3_600_000).toISOString(),
      stage: 'dev',
      by: 'U1',
      baseline: {
        start: T0 - 90 * MINUTE_MS,
        end: T0 - 60 * MINUTE_MS,
        minutesWithTraffic: 30,
        requestsPerMinute: 1000,
        http2xx: 30000,
        http3xx: 0,
        http4xx: 0,
        http5xx: 30,
        errorRate5xx: 0.001,
        latencyAvg: 0.01,
        latencyP99: 0.1,
        activeConnections: null,
        newConnections: null,
        missing: [],
      },
    });
    await start();
    await minutes(5);
    expect(reporter.ticks.at(-1)!.evaluation.signals[0]!.reference).toBe('baseline');
    expect(reporter.alerts.map((a) => a.guardrail)).toEqual(['error-rate']);
    expect(reporter.alerts[0]!.detail).toContain('target 5xx 30 of 1,000 (3%) vs prep baseline 30 of 30,000 (0.1%)');
  });
  it('says once per change, in the thread and the journal, that the listener was changed outside the bot', async () => {
    const { deps, reporter, start, minutes, records } = setup(() => before);
    await start();
    await minutes(3);
    expect(reporter.outsideCalls).toEqual([]);
    deps.loadBalancer.weights = { source: 100, target: 0 }; // someone falls back in the console
    await minutes(3);
    expect(reporter.outsideCalls).toEqual(['source 100 / target 0 (all new traffic to the source proxy)']);
    expect(records('listener.changed-outside')).toEqual([
      expect.objectContaining({ stage: 'dev', requestId: 'r-0000000001', weights: { source: 100, target: 0 }, description: 'source 100 / target 0 (all new traffic to the source proxy)' }),
    ]);
    deps.loadBalancer.weights = { source: 50, target: 50 }; // a second change is said again
    await minutes(1);
    deps.loadBalancer.weights = { source: 0, target: 100 }; // back to what the bot applied: nothing to say
    await minutes(2);
    expect(reporter.outsideCalls).toHaveLength(2);
    expect(reporter.outsideCalls[1]).toContain('source 50 / target 50');
  });
});
