import { ManualClock } from '../../src/adapters/clock';
import type { Baseline } from '../../src/core/journal';
import type { LoadBalancerPort } from '../../src/core/ports';
import { compareWithBaseline, gatherStatus, listStatus, statusVerdict, trafficWindow, type StatusContext } from '../../src/core/status';
import { RECENT_MINUTES } from '../../src/core/traffic';
import type { TargetHealthEntry } from '../../src/core/types';
import { MINUTE_MS } from '../../src/core/types';
import { fakeDeps } from '../support/fake-ports';
import { cloudWatchDown, scripted } from '../support/traffic-script';


const NOW = Date.UTC(2026, 0, 1, 12, 30, 40);

const baseline: Baseline = {
  start: Date.UTC(2026, 0, 1, 11, 0),
  end: Date.UTC(2026, 0, 1, 11, 30),
  minutesWithTraffic: 30,
  requestsPerMinute: 1200,
  http2xx: 35000,
  http3xx: 0,
  http4xx: 900,
  http5xx: 100,
  errorRate5xx: 0.0028,
  latencyAvg: 0.012,
  latencyP99: 0.08,
  activeConnections: 40,
  newConnections: 4,
  missing: [],
};

function setup() {
  const deps = fakeDeps({ clock: new ManualClock(NOW) });
  deps.loadBalancer.weights = { source: 0, target: 100 };
  deps.ecs.target = { ...deps.ecs.capture, name: 'target' };
  // 100% configured; 36 requests/min still reach the source proxy on pinned connections.
  deps.metrics.script = (window) =>
    scripted(window, () => ({
      source: { requests: 36, latencyAvg: 0.01, latencyP99: 0.07 },
      target: { requests: 1164, http5xx: 4, latencyAvg: 0.015, latencyP99: 0.09 },
      activeConnections: 42,
      newConnections: 5,
    }));
  return deps;
}

function awsCalls(deps: ReturnType<typeof setup>): string[] {
  return [...deps.loadBalancer.calls, ...deps.ecs.calls, ...deps.metrics.calls.map(() => 'snapshot')];
}

describe('gatherStatus', () => {
  it('answers with weights, health, ECS counts, the observed split and errors against the baseline', async () => {
    const deps = setup();
    const status = await gatherStatus(deps, 'dev', {
      baseline,
      changes: [{ at: NOW - 20 * MINUTE_MS, label: 'shift 100%' }],
      openRequest: { id: 'r-abcdefghij', kind: 'fallback', percent: 0, requester: 'U1', to: { source: 100, target: 0 }, expiresAt: NOW + 60_000 },
    });
    expect(status.listener).toMatchObject({ ok: true, value: { targetPercent: 100 } });
    expect(status.source.health).toMatchObject({ ok: true, value: { total: 1, healthy: 1 } });
    expect(status.proxies.ok).toBe(true);
    // The 60 minutes read end at the newest settled minute (ended >= 90 s ago).
    expect(deps.metrics.calls).toEqual([{ start: Date.UTC(2026, 0, 1, 11, 29), end: Date.UTC(2026, 0, 1, 12, 29) }]);
    expect(status.recentWindow).toMatchObject({ start: Date.UTC(2026, 0, 1, 12, 24), end: Date.UTC(2026, 0, 1, 12, 29), minutes: 5 });
    expect(status.split).toMatchObject({ sourceRequests: 180, targetRequests: 5820, targetPercent: 97 });
    expect(status.verdict).toBe(
      '100% configured, 97% observed (12:24-12:29 UTC, the last 5 settled minutes, all after the 100% shift at 12:10 UTC): ' +
        // Only a chart mark, without the weights it changed: the numbers, no reason invented.
        'the source proxy served 3% of requests against 0% configured (~36 requests/min over its share)',
    );
    expect(status.target.comparison).toBe('1164 requests/min (baseline 1200), 5xx 0.34% (baseline 0.28%), avg 15 ms (baseline 12 ms), p99 90 ms (baseline 80 ms, 1.1x)');
    expect(status.connections).toEqual({ active: 42, new: 5 });
    expect(status.baselineNote).toBe('baseline from prep (11:00-11:30 UTC, 30 minutes with traffic)');
    expect(status.openRequest?.id).toBe('r-abcdefghij');
    expect(status.unknown).toEqual([]);
  });

  it('says there is no baseline and how to take one', async () => {
    const deps = setup();
    const status = await gatherStatus(deps, 'dev', { changes: [] });
    expect(status.baselineNote).toBe('no baseline (run /switchover prep dev)');
    expect(status.target.comparison).toBe('1164 requests/min, 5xx 0.34%, avg 15 ms, p99 90 ms');
  });

  it.each([1, 200])('costs exactly 5 AWS calls with %i target(s) per group', async (targets) => {
    const deps = setup();
    const many = (prefix: string): TargetHealthEntry[] =>
      Array.from({ length: targets }, (_, i) => ({ id: `${prefix}.${i}`, port: 9200, state: 'healthy' }));
    deps.loadBalancer.health = { source: many('10.0.0'), target: many('10.0.1') };
    const status = await gatherStatus(deps, 'dev', { changes: [] });
    expect(awsCalls(deps).sort()).toEqual(['describeProxies', 'readListener', 'snapshot', 'targetHealth', 'targetHealth']);
    expect(status.target.health).toMatchObject({ ok: true, value: { total: targets, healthy: targets } });
  });

  it('still answers when CloudWatch fails, and says what is unknown', async () => {
    const deps = setup();
    deps.metrics.script = () => {
      throw new Error('AccessDenied: not authorized to perform cloudwatch:GetMetricData');
    };
    const status = await gatherStatus(deps, 'dev', { changes: [] });
    expect(status.listener.ok).toBe(true);
    expect(status.snapshot).toBeUndefined();
    expect(status.unknown).toEqual(['CloudWatch metrics: AccessDenied: not authorized to perform cloudwatch:GetMetricData']);
    expect(status.verdict).toBe(
      '100% configured; observed split unknown (CloudWatch: AccessDenied: not authorized to perform cloudwatch:GetMetricData)',
    );
    expect(status.target.comparison).toBe('requests unknown (CloudWatch unavailable)');
  });

  it('lists metrics the adapter could not fetch and every other failed read', async () => {
    const deps = setup();
    deps.metrics.script = () => cloudWatchDown();
    deps.loadBalancer.fail.readListener = new Error('Throttling: Rate exceeded');
    deps.ecs.describeProxies = async () => {
      throw new Error('ClusterNotFoundException');
    };
    const status = await gatherStatus(deps, 'dev', { changes: [] });
    expect(status.unknown).toEqual([
      'switchover listener weights: Throttling: Rate exceeded',
      'ECS proxy services: ClusterNotFoundException',
      'CloudWatch: every metric: ThrottlingException: Rate exceeded',
    ]);
    expect(status.verdict).toBe('weights unknown; observed split unknown (every metric: ThrottlingException: Rate exceeded)');
    expect(status.source.health.ok).toBe(true);
  });

  it('says the stage is unknown by rejecting before any AWS read', async () => {
    const deps = setup();
    await expect(gatherStatus(deps, 'nope', { changes: [] })).rejects.toThrow('stage nope not found');
    expect(awsCalls(deps)).toEqual([]);
  });
});

describe('statusVerdict', () => {
  const T = Date.UTC(2026, 0, 1, 12, 44);
  const split = (source: number, target: number, minutes = 5) => ({
    window: { start: T - minutes * MINUTE_MS, end: T },
    sourceRequests: source,
    targetRequests: target,
    targetPercent: source + target === 0 ? null : Math.round((target / (source + target)) * 1000) / 10,
  });
  const shift = (percent: number, at: number, from = 0): StatusContext => ({
    changes: [],
    lastApplied: { id: 'r-1', kind: 'shift', percent, before: { source: 100 - from, target: from }, after: { source: 100 - percent, target: percent }, appliedAt: at },
  });
  const noChange = trafficWindow(T, { changes: [] });
  it('puts configured and observed side by side, and says which minutes', () => {
    expect(statusVerdict(10, split(4510, 490), noChange, 20)).toBe('10% configured, 9.8% observed (12:39-12:44 UTC, the last 5 settled minutes)');
    expect(statusVerdict(0, split(990, 10), noChange, 20)).toBe(
      '0% configured, 1% observed (12:39-12:44 UTC, the last 5 settled minutes): the target proxy served 1% of requests against 0% configured (~2 requests/min over its share)',
    );
  });
  it('gives kept-alive connections as the reason only when the side above its share lost weight in the last change, with the numbers', () => {
    const window = trafficWindow(T, shift(50, T - 3 * MINUTE_MS - 20_000, 10));
    expect(window).toMatchObject({ start: T - 3 * MINUTE_MS, minutes: 3, sinceChange: true });
    expect(statusVerdict(50, split(2400, 600, 3), window, 20)).toBe(
      '50% configured, 20% observed (12:41-12:44 UTC, 3 settled minutes since the 50% shift): the source proxy served 80% of requests against 50% configured ' +
        '(~300 requests/min over its share), after the 50% shift took weight from it: clients on kept-alive connections stay until they reconnect',
    );
    // The target above its share after a shift that gave it weight: not kept-alive connections; only the numbers.
    expect(statusVerdict(50, split(900, 2100, 3), window, 20)).toBe(
      '50% configured, 70% observed (12:41-12:44 UTC, 3 settled minutes since the 50% shift): the target proxy served 70% of requests against 50% configured (~200 requests/min over its share)',
    );
    // No change known: no reason invented.
    expect(statusVerdict(50, split(4000, 1000), noChange, 20)).toBe(
      '50% configured, 20% observed (12:39-12:44 UTC, the last 5 settled minutes): the source proxy served 80% of requests against 50% configured (~300 requests/min over its share)',
    );
  });
  it('calls requests at 0% or 100% kept-alive connections only after a change that took the weight away', () => {
    const fallback: StatusContext = {
      changes: [],
      lastApplied: { id: 'r-2', kind: 'fallback', percent: 0, before: { source: 0, target: 100 }, after: { source: 100, target: 0 }, appliedAt: T - 3 * MINUTE_MS - 20_000 },
    };
    expect(statusVerdict(0, split(2970, 30, 3), trafficWindow(T, fallback, 0), 20)).toBe(
      '0% configured, 1% observed (12:41-12:44 UTC, 3 settled minutes since the fallback): the target proxy served 1% of requests against 0% configured ' +
        '(~10 requests/min over its share), after the fallback took weight from it: clients on kept-alive connections stay until they reconnect',
    );
    const full = shift(100, T - 3 * MINUTE_MS - 20_000, 50);
    expect(statusVerdict(100, split(90, 2910, 3), trafficWindow(T, full, 100), 20)).toBe(
      '100% configured, 97% observed (12:41-12:44 UTC, 3 settled minutes since the 100% shift): the source proxy served 3% of requests against 0% configured ' +
        '(~30 requests/min over its share), after the 100% shift took weight from it: clients on kept-alive connections stay until they reconnect',
    );
  });

  it('gives no reason, and says the window may straddle, when the weights were changed outside the bot since its last change', () => {
    // The bot shifted 25 %; someone set 50 % in the console since: the bot cannot know when.
    const window = trafficWindow(T, shift(25, T - 30 * MINUTE_MS), 50);
    expect(window.changedOutside).toBe(true);
    expect(statusVerdict(50, split(4000, 1000), window, 20)).toBe(
      '50% configured, 20% observed (12:39-12:44 UTC, the last 5 settled minutes, all after the 25% shift at 12:14 UTC; the weights were changed outside the bot ' +
        'since the 25% shift (which left 25% to the target proxy), at a time the bot cannot know: these minutes may straddle that change): ' +
        'the source proxy served 80% of requests against 50% configured (~300 requests/min over its share)',
    );
    // Same share, other weights (90/10 against 9/1): not a change.
    expect(trafficWindow(T, shift(25, T - 30 * MINUTE_MS), 25).changedOutside).toBe(false);
  });

  it('never says a share or a rate that is not 0 as 0', () => {
    expect(statusVerdict(0, split(4998, 2), noChange, 20)).toBe(
      '0% configured, 0.04% observed (12:39-12:44 UTC, the last 5 settled minutes): the target proxy served 0.04% of requests against 0% configured (~0.4 requests/min over its share)',
    );
    const oneIn30000 = { minutes: 5, requests: 30_000, requestsPerMinute: 6_000, http5xx: 1, errorRate5xx: 1 / 30_000, connectionErrors: 0, latencyAvg: null, latencyP99: null };
    expect(compareWithBaseline(oneIn30000 as Parameters<typeof compareWithBaseline>[0], undefined)).toBe('6000 requests/min, 5xx 0.003%');
  });

  it('does not pretend to observe a split without enough traffic, or before a minute has settled since the change', () => {
    expect(statusVerdict(10, split(50, 5), noChange, 20)).toBe(
      '10% configured; not enough traffic in 12:39-12:44 UTC, the last 5 settled minutes to observe the split (55 requests)',
    );
    expect(statusVerdict(10, split(0, 0), noChange, 20)).toBe('10% configured; no traffic in 12:39-12:44 UTC, the last 5 settled minutes to observe the split');
    const fresh = trafficWindow(T, shift(25, T - 30_000));
    expect(fresh).toMatchObject({ start: T, end: T, minutes: 0 });
    expect(statusVerdict(25, split(0, 0, 0), fresh, 20)).toBe(
      '25% configured; no settled minute since the 25% shift at 12:43 UTC yet (the first, 12:44-12:45 UTC, is read at 12:46 UTC)',
    );
  });
});

describe('trafficWindow', () => {
  const T = Date.UTC(2026, 0, 1, 12, 44);
  it('starts at the first full minute after the newest change, never before it', () => {
    const w = trafficWindow(T, { changes: [{ at: T - 2 * MINUTE_MS - 5_000, label: 'shift 25%' }] });
    expect(w).toMatchObject({ start: T - 2 * MINUTE_MS, end: T, minutes: 2, sinceChange: true, text: '12:42-12:44 UTC, 2 settled minutes since the 25% shift' });
  });
  it('takes the last RECENT_MINUTES settled minutes when the change is older', () => {
    const w = trafficWindow(T, { changes: [{ at: T - 30 * MINUTE_MS, label: 'shift 25%' }] });
    expect(w).toMatchObject({ start: T - RECENT_MINUTES * MINUTE_MS, minutes: RECENT_MINUTES, sinceChange: false });
    expect(w.text).toBe('12:39-12:44 UTC, the last 5 settled minutes, all after the 25% shift at 12:14 UTC');
  });
});

describe('listStatus', () => {
  it('reads one listener per stage and shows a failure as that stage line', async () => {
    const deps = setup();
    deps.resolver.stages = ['dev', 'gamma', 'wave1'];
    const read = deps.loadBalancer.readListener.bind(deps.loadBalancer);
    const port: LoadBalancerPort = deps.loadBalancer;
    port.readListener = async (resources) => {
      if (resources.stage === 'gamma') {
        deps.loadBalancer.calls.push('readListener');
        throw new Error('ListenerNotFound');
      }
      return read(resources);
    };
    const open = { id: 'r-0123456789', kind: 'shift' as const, percent: 25, requester: 'U1', to: { source: 75, target: 25 }, expiresAt: NOW };
    const lines = await listStatus(deps, ['dev', { stage: 'gamma' }, { stage: 'wave1', openRequest: open }, 'ghost']);
    expect(lines.map((l) => [l.stage, l.description])).toEqual([
      ['dev', 'source 0 / target 100 (all new traffic to the target proxy)'],
      ['gamma', 'unknown: ListenerNotFound'],
      ['wave1', 'source 0 / target 100 (all new traffic to the target proxy)'],
      ['ghost', 'unknown: stage ghost not found'],
    ]);
    expect(lines[2]!.openRequest).toBe(open);
    expect(deps.loadBalancer.calls).toEqual(['readListener', 'readListener', 'readListener']);
  });

  it('lists every stage the resolver sees when none are given', async () => {
    const deps = setup();
    deps.resolver.stages = ['dev', 'prod'];
    expect((await listStatus(deps)).map((l) => l.stage)).toEqual(['dev', 'prod']);
  });
});
