import { ManualClock } from '../../../src/adapters/clock';
import { prepInProgress, runPrep, type PrepCompleted, type PrepOutcome, type PrepProgress } from '../../../src/core/prep';
import type { JournalRecord } from '../../../src/core/journal';
import type { ProxyServices, StageResources, TargetGroupHealth, TargetGroupRef, TargetHealthEntry } from '../../../src/core/types';
import { MINUTE_MS } from '../../../src/core/types';
import { settledWindow } from '../../../src/core/traffic';
import {
  FakeEcs,
  FakeLoadBalancer,
  FakeMetrics,
  FakeResolver,
  MemoryJournal,
  fakeDeps,
  serviceCounts,
} from '../../support/fake-ports';

/**
 * A target proxy that behaves like ECS + ALB over the clock: after a scale-up each new task is running
 * `startMs` later, is registered as `initial`, and turns healthy `healthyMs` after that.
 */
class ProgressingTargetProxy {
  tasks: { ip: string; runningAt: number }[] = [];
  constructor(
    private readonly clock: ManualClock,
    private readonly startMs = 30_000,
    private readonly healthyMs = 60_000,
  ) {}

  scaleTo(desired: number): void {
    const now = this.clock.now();
    while (this.tasks.length < desired) {
      const i = this.tasks.length;
      this.tasks.push({ ip: `10.0.1.${i + 1}`, runningAt: now + this.startMs + i * 10_000 });
    }
  }

  running(): number {
    return this.tasks.filter((t) => this.clock.now() >= t.runningAt).length;
  }

  targets(): TargetHealthEntry[] {
    const now = this.clock.now();
    return this.tasks
      .filter((t) => now >= t.runningAt)
      .map((t) =>
        now >= t.runningAt + this.healthyMs
          ? { id: t.ip, port: 9200, state: 'healthy' as const }
          : { id: t.ip, port: 9200, state: 'initial' as const, reason: 'Elb.InitialHealthChecking', description: 'Initial health checks in progress' },
      );
  }
}

class ProgressingEcs extends FakeEcs {
  constructor(private readonly proxy: ProgressingTargetProxy, private readonly log: string[]) {
    super();
  }
  override async describeProxies(): Promise<ProxyServices> {
    this.calls.push('describeProxies');
    this.target = serviceCounts(this.target.name, this.target.desired, this.proxy.running());
    return { captureProxy: structuredClone(this.capture), targetProxy: structuredClone(this.target) };
  }
  override async setTargetProxyDesiredCount(r: StageResources, desired: number): Promise<void> {
    this.log.push(`ecs.setTargetProxyDesiredCount:${desired}`);
    await super.setTargetProxyDesiredCount(r, desired);
    this.proxy.scaleTo(desired);
  }
}

class ProgressingLoadBalancer extends FakeLoadBalancer {
  constructor(private readonly proxy: ProgressingTargetProxy) {
    super();
  }
  override async targetHealth(group: TargetGroupRef): Promise<TargetGroupHealth> {
    if (group.name.includes('TargetProxy')) this.health.target = this.proxy.targets();
    return super.targetHealth(group);
  }
}

class LoggingJournal extends MemoryJournal {
  constructor(private readonly log: string[]) {
    super();
  }
  override async append(record: JournalRecord): Promise<void> {
    this.log.push(`journal.${record.type}`);
    await super.append(record);
  }
}

const NOW = Date.UTC(2026, 0, 1, 12, 0, 20);

function setup(options: { capture?: number; target?: number; stages?: string[] } = {}) {
  const clock = new ManualClock(NOW);
  const log: string[] = [];
  const proxy = new ProgressingTargetProxy(clock);
  const ecs = new ProgressingEcs(proxy, log);
  ecs.capture = serviceCounts('migration-dev-capture-proxy', options.capture ?? 3);
  ecs.target = serviceCounts('migration-dev-target-cluster-proxy', options.target ?? 0);
  proxy.scaleTo(options.target ?? 0);
  proxy.tasks.forEach((t) => (t.runningAt = NOW - 10 * MINUTE_MS)); // already there: running and healthy
  const loadBalancer = new ProgressingLoadBalancer(proxy);
  loadBalancer.health.source = [
    { id: '10.0.0.1', port: 9200, state: 'healthy' },
    { id: '10.0.0.2', port: 9200, state: 'healthy' },
  ];
  const metrics = new FakeMetrics();
  metrics.next = {
    source: {
      requests: minutes(30, () => 1200),
      http2xx: minutes(30, () => 1190),
      http5xx: minutes(30, () => 2),
      latencyAvg: minutes(30, () => 0.05),
      latencyP99: minutes(30, () => 0.3),
    },
    target: {},
    loadBalancer: { activeConnections: minutes(30, () => 400), newConnections: minutes(30, () => 30) },
    missing: [],
  };
  const journal = new LoggingJournal(log);
  const deps = fakeDeps({ clock, ecs, loadBalancer, metrics, journal, resolver: new FakeResolver(options.stages ?? ['dev']) });
  const progress: PrepProgress[] = [];
  return { clock, log, proxy, ecs, loadBalancer, metrics, journal, deps, progress, onProgress: (p: PrepProgress) => void progress.push(p) };
}

/** 30 one-minute datapoints ending before the minute the prep finishes in (the values do not depend on alignment). */
function minutes(count: number, value: (i: number) => number) {
  const end = Math.floor(NOW / MINUTE_MS) * MINUTE_MS + 5 * MINUTE_MS;
  return Array.from({ length: count }, (_, i) => ({ t: end - (count - i) * MINUTE_MS, v: value(i) }));
}

/** Advances the clock in poll-sized steps until the prep settles. */
async function finish(clock: ManualClock, run: Promise<PrepOutcome>, stepMs = 10_000): Promise<PrepOutcome> {
  let settled = false;
  void run.finally(() => (settled = true));
  for (let i = 0; i < 2000 && !settled; i++) await clock.advance(stepMs);
  return run;
}

function completed(outcome: PrepOutcome): PrepCompleted {
  if (outcome.kind !== 'completed') throw new Error(`expected a completed prep, got ${JSON.stringify(outcome)}`);
  return outcome;
}

const settings = { timeoutMinutes: 15, pollSeconds: 10, baselineMinutes: 30 };

describe('runPrep', () => {
  it('takes a stage from 0 target proxy tasks to ready: scales, waits, snapshots the baseline', async () => {
    const s = setup({ capture: 3, target: 0 });
    const outcome = completed(await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress)));

    expect(outcome.verdict).toBe('ready');
    expect(outcome.reasons).toEqual([]);
    expect(outcome.scaled).toEqual({ from: 0, to: 3 });
    expect(outcome.targetProxy).toMatchObject({ desired: 3, running: 3 });
    expect(outcome.targetHealth).toMatchObject({ total: 3, healthy: 3 });
    expect(outcome.weights).toEqual({ source: 1, target: 0 });
    expect(outcome.waitTimedOut).toBe(false);
    // Journal first, then the scaling call; never more than one scaling call.
    expect(s.log.slice(0, 2)).toEqual(['journal.prep.scaled', 'ecs.setTargetProxyDesiredCount:3']);
    expect(s.log.filter((l) => l.startsWith('ecs.'))).toHaveLength(1);
    expect(s.journal.records[0]).toMatchObject({
      type: 'prep.scaled',
      stage: 'dev',
      by: 'U1',
      service: 'migration-dev-target-cluster-proxy',
      fromDesired: 0,
      toDesired: 3,
    });
    expect(outcome.warnings.join('\n')).toMatch(/cdk deploy.*targetClusterProxyDesiredCount/);

    // The wait was reported as it progressed.
    const waitDetails = s.progress.filter((p) => p.step === 'wait').map((p) => p.steps.find((st) => st.name === 'wait')!.detail);
    expect(waitDetails).toContain('0/3 tasks running, 3 pending, 0/3 targets healthy');
    expect(waitDetails.some((d) => /^\d\/3 tasks running.*targets healthy \(\d initial\)$/.test(d ?? ''))).toBe(true);
    expect(s.progress.at(-1)!.steps.map((st) => st.status)).toEqual(['done', 'done', 'done', 'done', 'done', 'done', 'done']);
    expect(s.progress.at(-1)!.at).toBe(outcome.finishedAt);

    // Baseline over the last 30 settled minutes (the rule of status and the watch), stored for status and monitoring.
    const window = s.metrics.calls[0]!;
    expect(window.end % MINUTE_MS).toBe(0);
    expect(window).toEqual(settledWindow(outcome.finishedAt, 30));
    expect(window.end - window.start).toBe(30 * MINUTE_MS);
    expect(outcome.baseline).toBeDefined();
    expect(outcome.connectionReuse?.reading).toBe('high');
    expect(s.journal.records.map((r) => r.type)).toEqual(['prep.scaled', 'prep.baseline']);
    expect(outcome.snapshot?.source.requests?.length).toBeGreaterThan(0);
    expect(prepInProgress('dev')).toBeUndefined();
  });

  it('changes nothing when the stage is already prepared, and running it again is safe', async () => {
    const s = setup({ capture: 2, target: 2 });
    const first = completed(await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress)));
    expect(first.verdict).toBe('ready');
    expect(first.scaled).toBeUndefined();
    expect(s.ecs.calls.some((c) => c.startsWith('setTargetProxyDesiredCount'))).toBe(false);
    expect(first.steps.find((st) => st.name === 'scale')!.detail).toMatch(/already desires 2 tasks.*no change/);
    expect(first.warnings.join('\n')).not.toMatch(/cdk deploy/);

    const second = completed(await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U2' }, s.onProgress)));
    expect(second.verdict).toBe('ready');
    expect(s.journal.records.filter((r) => r.type === 'prep.scaled')).toHaveLength(0);
  });

  it('does not scale twice: a second run after a scale-up keeps the cdk deploy warning', async () => {
    const s = setup({ capture: 3, target: 0 });
    await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress));
    const again = completed(await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress)));
    expect(again.verdict).toBe('ready');
    expect(again.scaled).toBeUndefined();
    expect(s.log.filter((l) => l.startsWith('ecs.'))).toEqual(['ecs.setTargetProxyDesiredCount:3']);
    expect(again.warnings.join('\n')).toMatch(/earlier prep .* scaled the target proxy to 3 tasks.*cdk deploy/);
  });

  it('never scales the target proxy down', async () => {
    const s = setup({ capture: 2, target: 4 });
    const outcome = completed(await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress)));
    expect(outcome.verdict).toBe('ready');
    expect(outcome.targetProxy.desired).toBe(4);
    expect(s.ecs.calls.filter((c) => c.startsWith('setTargetProxyDesiredCount'))).toEqual([]);
  });

  it('warns when the capture proxy desires only 1 task', async () => {
    const s = setup({ capture: 1, target: 0 });
    const outcome = completed(await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress)));
    expect(outcome.verdict).toBe('ready');
    expect(outcome.scaled).toEqual({ from: 0, to: 1 });
    expect(outcome.warnings.join('\n')).toMatch(/capture proxy's desired count is 1; the runbook expects more than 1/);
  });

  it('blocks with each target and its AWS reason when the target proxy never becomes healthy', async () => {
    const s = setup({ capture: 2, target: 2 });
    const failing: TargetHealthEntry[] = [
      { id: '10.0.1.1', port: 9200, state: 'unhealthy', reason: 'Target.FailedHealthChecks', description: 'Health checks failed' },
      { id: '10.0.1.2', port: 9200, state: 'unhealthy', reason: 'Target.Timeout', description: 'Request timed out' },
    ];
    s.loadBalancer.targetHealth = async (group) => ({ targetGroup: group, targets: group.name.includes('TargetProxy') ? failing : s.loadBalancer.health.source });
    const outcome = completed(
      await finish(s.clock, runPrep(s.deps, { ...settings, timeoutMinutes: 2 }, { stage: 'dev', user: 'U1' }, s.onProgress)),
    );
    expect(outcome.verdict).toBe('blocked');
    expect(outcome.waitTimedOut).toBe(true);
    expect(outcome.reasons[0]).toBe('The target proxy was not ready after 2 minutes: 2/2 tasks running, 0/2 targets healthy (2 unhealthy).');
    expect(outcome.reasons).toContain('Target proxy group: 10.0.1.1:9200 unhealthy (Target.FailedHealthChecks: Health checks failed).');
    expect(outcome.reasons).toContain('Target proxy group: 10.0.1.2:9200 unhealthy (Target.Timeout: Request timed out).');
    const wait = outcome.steps.find((st) => st.name === 'wait')!;
    expect(wait.status).toBe('failed');
    expect(wait.endedAt! - wait.startedAt!).toBe(2 * MINUTE_MS);
    // The rest still ran: the summary has metrics and a verdict.
    expect(outcome.baseline).toBeDefined();
    expect(outcome.steps.find((st) => st.name === 'verdict')!.status).toBe('done');
  });

  it('blocks on a target that stays draining', async () => {
    const s = setup({ capture: 2, target: 2 });
    s.proxy.tasks.push({ ip: '10.0.1.9', runningAt: NOW - MINUTE_MS });
    const original = s.loadBalancer.targetHealth.bind(s.loadBalancer);
    s.loadBalancer.targetHealth = async (group) => {
      const health = await original(group);
      if (!group.name.includes('TargetProxy')) return health;
      const targets = health.targets.filter((t) => t.id !== '10.0.1.9');
      targets.push({ id: '10.0.1.9', port: 9200, state: 'draining', reason: 'Target.DeregistrationInProgress', description: 'Target deregistration is in progress' });
      return { ...health, targets };
    };
    const outcome = completed(
      await finish(s.clock, runPrep(s.deps, { ...settings, timeoutMinutes: 1 }, { stage: 'dev', user: 'U1' }, s.onProgress)),
    );
    expect(outcome.verdict).toBe('blocked');
    expect(outcome.targetHealth).toMatchObject({ healthy: 2, draining: 1 });
    expect(outcome.reasons).toContain('Target proxy group: 10.0.1.9:9200 draining (Target.DeregistrationInProgress: Target deregistration is in progress).');
    expect(outcome.reasons.some((r) => /1 target is draining in ALBTargetProxy-dev-TG; the runbook requires none draining/.test(r))).toBe(true);
  });

  it('waits out a draining target that finishes deregistering', async () => {
    const s = setup({ capture: 2, target: 2 });
    const drainingUntil = NOW + 3 * MINUTE_MS;
    const original = s.loadBalancer.targetHealth.bind(s.loadBalancer);
    s.loadBalancer.targetHealth = async (group) => {
      const health = await original(group);
      if (!group.name.includes('TargetProxy') || s.clock.now() >= drainingUntil) return health;
      return { ...health, targets: [...health.targets, { id: '10.0.1.9', port: 9200, state: 'draining' as const }] };
    };
    const outcome = completed(await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress)));
    expect(outcome.verdict).toBe('ready');
    expect(outcome.finishedAt).toBeGreaterThanOrEqual(drainingUntil);
  });

  it('still gives a verdict when CloudWatch fails, and says the baseline is missing', async () => {
    const s = setup({ capture: 2, target: 2 });
    s.metrics.next = { source: {}, target: {}, loadBalancer: {}, missing: ['source proxy requests: AccessDenied (missing IAM permission cloudwatch:GetMetricData)'] };
    const outcome = completed(await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress)));
    expect(outcome.verdict).toBe('ready');
    expect(outcome.baseline).toBeUndefined();
    expect(outcome.warnings).toContainEqual(expect.stringMatching(/^No baseline: source proxy requests: AccessDenied \(missing IAM permission cloudwatch:GetMetricData\)/));
    expect(outcome.steps.find((st) => st.name === 'metrics')!.status).toBe('failed');
    expect(s.journal.records.filter((r) => r.type === 'prep.baseline')).toHaveLength(0);
  });

  it('survives a metrics port that throws', async () => {
    const s = setup({ capture: 2, target: 2 });
    s.metrics.snapshot = async () => {
      throw new Error('connect ETIMEDOUT monitoring.us-east-1.amazonaws.com');
    };
    const outcome = completed(await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress)));
    expect(outcome.verdict).toBe('ready');
    expect(outcome.snapshot).toBeUndefined();
    expect(outcome.warnings.join('\n')).toMatch(/No baseline: CloudWatch metrics could not be read: connect ETIMEDOUT/);
  });

  it('keeps a partial baseline and lists what is missing', async () => {
    const s = setup({ capture: 2, target: 2 });
    s.metrics.next.missing = ['load balancer new connections: Throttling'];
    delete s.metrics.next.loadBalancer.newConnections;
    const outcome = completed(await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress)));
    expect(outcome.baseline?.newConnections).toBeNull();
    expect(outcome.connectionReuse).toBeUndefined();
    expect(outcome.warnings).toContain('Baseline incomplete: load balancer new connections: Throttling.');
  });

  it('says so when the source proxy had no traffic, without storing an empty baseline', async () => {
    const s = setup({ capture: 2, target: 2 });
    s.metrics.next = { source: { requests: [] }, target: {}, loadBalancer: {}, missing: [] };
    const outcome = completed(await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress)));
    expect(outcome.baseline).toBeUndefined();
    expect(outcome.warnings.join('\n')).toMatch(/No baseline: the source proxy carried no requests in the last 30 minutes/);
  });

  it('fails plainly for a stage that does not exist, and touches nothing', async () => {
    const s = setup();
    s.deps.resolver.resolve = async (stage: string) => {
      throw new Error(`Stage \`${stage}\` not found: no load balancer named \`MigrationAssistant-${stage}\` in us-east-1.`);
    };
    const outcome = await finish(s.clock, runPrep(s.deps, settings, { stage: 'nope', user: 'U1' }, s.onProgress));
    expect(outcome).toMatchObject({ kind: 'failed', failedStep: 'resolve', message: expect.stringContaining('Stage `nope` not found') });
    if (outcome.kind !== 'failed') throw new Error('unreachable');
    expect(outcome.steps.map((st) => st.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(s.ecs.calls).toEqual([]);
    expect(s.journal.records).toEqual([]);
    expect(s.progress.at(-1)!.steps[0]!.status).toBe('failed');
  });

  it('fails at the scale step when ECS refuses, after recording the intent', async () => {
    const s = setup({ capture: 3, target: 0 });
    s.ecs.setTargetProxyDesiredCount = async () => {
      throw new Error('missing IAM permission ecs:UpdateService on migration-dev-target-cluster-proxy');
    };
    const outcome = await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress));
    expect(outcome).toMatchObject({ kind: 'failed', failedStep: 'scale' });
    if (outcome.kind !== 'failed') throw new Error('unreachable');
    expect(outcome.message).toMatch(/Could not scale migration-dev-target-cluster-proxy from 0 to 3 tasks: missing IAM permission ecs:UpdateService/);
    expect(outcome.steps.slice(3).every((st) => st.status === 'skipped')).toBe(true);
    expect(s.journal.records.map((r) => r.type)).toEqual(['prep.scaled']); // the attempt stays in the audit trail
  });

  it('fails when the ECS services cannot be read', async () => {
    const s = setup();
    s.ecs.describeProxies = async () => {
      throw new Error('ClusterNotFoundException: Cluster not found.');
    };
    const outcome = await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress));
    expect(outcome).toMatchObject({ kind: 'failed', failedStep: 'counts', message: expect.stringContaining('migration-dev-ecs-cluster: ClusterNotFoundException') });
  });

  it('gives up the wait after repeated read failures instead of polling for the whole timeout', async () => {
    const s = setup({ capture: 2, target: 2 });
    let reads = 0;
    const describe = s.ecs.describeProxies.bind(s.ecs);
    s.ecs.describeProxies = async () => {
      if (++reads > 1) throw new Error('AccessDeniedException');
      return describe();
    };
    const outcome = await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress));
    expect(outcome).toMatchObject({ kind: 'failed', failedStep: 'wait', message: expect.stringContaining('AccessDeniedException') });
  });

  it('refuses a second prep of the same stage while one runs, naming who started it', async () => {
    const s = setup({ capture: 3, target: 0, stages: ['dev', 'gamma'] });
    const first = runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress);
    await s.clock.advance(10_000); // the first is now waiting for the target proxy
    expect(prepInProgress('dev')).toEqual({ user: 'U1', startedAt: NOW });

    const second = await runPrep(s.deps, settings, { stage: 'dev', user: 'U2' }, () => undefined);
    expect(second).toMatchObject({ kind: 'busy', stage: 'dev', holder: { user: 'U1', startedAt: NOW } });
    if (second.kind !== 'busy') throw new Error('unreachable');
    expect(second.message).toBe('A prep for dev is already in progress (started by U1 at 2026-01-01 12:00 UTC); wait for its summary.');

    // Another stage is not held up.
    const other = finish(s.clock, runPrep(s.deps, settings, { stage: 'gamma', user: 'U2' }, () => undefined));
    expect((await finish(s.clock, first)).kind).toBe('completed');
    expect((await other).kind).toBe('completed');
    expect(prepInProgress('dev')).toBeUndefined();
    expect(completed(await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U2' }, () => undefined))).verdict).toBe('ready');
  });

  it('keeps going when the progress reporter throws', async () => {
    const s = setup({ capture: 2, target: 2 });
    const outcome = await finish(
      s.clock,
      runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, () => {
        throw new Error('ratelimited');
      }),
    );
    expect(completed(outcome).verdict).toBe('ready');
  });

  it('warns about stickiness and weights already shifted', async () => {
    const s = setup({ capture: 2, target: 2 });
    s.loadBalancer.weights = { source: 90, target: 10 };
    const read = s.loadBalancer.readListener.bind(s.loadBalancer);
    s.loadBalancer.readListener = async () => ({ ...(await read()), stickiness: { enabled: true, durationSeconds: 3600 } });
    const outcome = completed(await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress)));
    expect(outcome.verdict).toBe('ready');
    expect(outcome.stickiness).toEqual({ enabled: true, durationSeconds: 3600 });
    expect(outcome.warnings.join('\n')).toMatch(/Stickiness is on for the switchover listener \(3600 s\): it pins clients/);
    expect(outcome.warnings.join('\n')).toMatch(/already sends traffic to the target proxy: source 90 \/ target 10/);
  });

  it('blocks when the capture proxy has 0 tasks: there is nothing to scale the target proxy to', async () => {
    const s = setup({ capture: 0, target: 0 });
    s.loadBalancer.health.target = [];
    const outcome = completed(await finish(s.clock, runPrep(s.deps, settings, { stage: 'dev', user: 'U1' }, s.onProgress)));
    expect(outcome.verdict).toBe('blocked');
    expect(outcome.steps.find((st) => st.name === 'wait')!.status).toBe('skipped');
    expect(outcome.reasons.join('\n')).toMatch(/0 desired tasks because the capture proxy has 0 too/);
  });
});
