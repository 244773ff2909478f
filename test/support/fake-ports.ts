// Small in-memory implementations of the core's ports, for unit tests of the core without AWS or Slack.
// End-to-end tests use the simulated stack instead, which drives the real AWS adapters.
import { ManualClock } from '../../src/adapters/clock';
import type { JournalRecord } from '../../src/core/journal';
import type {
  ChartRenderer,
  ChartSpec,
  CoreDeps,
  EcsPort,
  JournalPort,
  LoadBalancerPort,
  MetricsPort,
  PeopleDirectory,
  StageResolver,
} from '../../src/core/ports';
import type {
  EcsServiceCounts,
  ListenerState,
  MetricsSnapshot,
  MetricsWindow,
  ProxyServices,
  StageResources,
  TargetGroupHealth,
  TargetGroupRef,
  TargetHealthEntry,
  Weights,
} from '../../src/core/types';

export function stageResources(stage = 'dev'): StageResources {
  const tg = (name: string, id: string): TargetGroupRef => ({
    arn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/${id}`,
    name,
    dimension: `targetgroup/${name}/${id}`,
  });
  return {
    stage,
    loadBalancer: {
      arn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/MigrationAssistant-${stage}/50dc6c495c0c9188`,
      name: `MigrationAssistant-${stage}`,
      dimension: `app/MigrationAssistant-${stage}/50dc6c495c0c9188`,
    },
    switchoverListener: {
      arn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/MigrationAssistant-${stage}/50dc6c495c0c9188/f2f7dc8efc522ab2`,
      port: 443,
    },
    sourceProxyTargetGroup: tg(`ALBSourceProxy-${stage}-TG`, '6d0ecf831eec9f09'),
    targetProxyTargetGroup: tg(`ALBTargetProxy-${stage}-TG`, '943ca6bf5d8c1c6a'),
    ecsCluster: `migration-${stage}-ecs-cluster`,
    captureProxyService: `migration-${stage}-capture-proxy`,
    targetProxyService: `migration-${stage}-target-cluster-proxy`,
  };
}

export class FakeResolver implements StageResolver {
  constructor(public stages: string[] = ['dev']) {}
  async resolve(stage: string): Promise<StageResources> {
    if (!this.stages.includes(stage)) throw new Error(`stage ${stage} not found`);
    return stageResources(stage);
  }
  async listStages(): Promise<string[]> {
    return [...this.stages];
  }
}

/** Records every call; `fail` makes the next calls of a method throw. */
export class FakeLoadBalancer implements LoadBalancerPort {
  weights: Weights = { source: 1, target: 0 };
  health: Record<'source' | 'target', TargetHealthEntry[]> = {
    source: [{ id: '10.0.0.1', port: 9200, state: 'healthy' }],
    target: [{ id: '10.0.1.1', port: 9200, state: 'healthy' }],
  };
  calls: string[] = [];
  writes: Weights[] = [];
  fail: Partial<Record<'readListener' | 'setWeights' | 'targetHealth', Error>> = {};

  async readListener(_r?: StageResources): Promise<ListenerState> {
    this.calls.push('readListener');
    if (this.fail.readListener) throw this.fail.readListener;
    const { sourceProxyTargetGroup: source, targetProxyTargetGroup: target } = stageResources('dev');
    return {
      weights: { ...this.weights },
      groups: [
        { arn: source.arn, name: source.name, role: 'source', weight: this.weights.source },
        { arn: target.arn, name: target.name, role: 'target', weight: this.weights.target },
      ],
      weightedToBoth: true,
      stickiness: { enabled: false },
      rules: [],
      defaultAction: { weights: { ...this.weights } },
    };
  }
  async setWeights(_r: StageResources, _current: ListenerState, weights: Weights): Promise<void> {
    this.calls.push('setWeights');
    if (this.fail.setWeights) throw this.fail.setWeights;
    this.writes.push({ ...weights });
    this.weights = { ...weights };
  }
  async targetHealth(group: TargetGroupRef): Promise<TargetGroupHealth> {
    this.calls.push('targetHealth');
    if (this.fail.targetHealth) throw this.fail.targetHealth;
    const side = group.name.includes('SourceProxy') ? 'source' : 'target';
    return { targetGroup: group, targets: this.health[side].map((t) => ({ ...t })) };
  }
}

export function serviceCounts(name: string, desired: number, running = desired): EcsServiceCounts {
  return {
    name,
    status: 'ACTIVE',
    desired,
    running,
    pending: Math.max(0, desired - running),
    deployments: [
      { id: 'ecs-svc/1', status: 'PRIMARY', rolloutState: 'COMPLETED', desired, running, pending: Math.max(0, desired - running), failedTasks: 0 },
    ],
  };
}

export class FakeEcs implements EcsPort {
  capture = serviceCounts('capture', 2);
  target = serviceCounts('target', 0);
  calls: string[] = [];
  async describeProxies(): Promise<ProxyServices> {
    this.calls.push('describeProxies');
    return { captureProxy: structuredClone(this.capture), targetProxy: structuredClone(this.target) };
  }
  async setTargetProxyDesiredCount(_r: StageResources, desired: number): Promise<void> {
    this.calls.push(`setTargetProxyDesiredCount:${desired}`);
    this.target = serviceCounts(this.target.name, desired, this.target.running);
  }
  async restartCaptureProxy(): Promise<void> {
    this.calls.push('restartCaptureProxy');
  }
}

/**
 * Answers with whatever snapshot the test sets (window replaced by the one asked for), or, when `script` is
 * set, with what it builds for the window asked for (e.g. traffic scripted per minute; throw to fail the read).
 */
export class FakeMetrics implements MetricsPort {
  calls: MetricsWindow[] = [];
  next: Omit<MetricsSnapshot, 'window'> = { source: {}, target: {}, loadBalancer: {}, missing: [] };
  script?: (window: MetricsWindow, resources: StageResources) => Omit<MetricsSnapshot, 'window'>;
  async snapshot(r: StageResources, window: MetricsWindow): Promise<MetricsSnapshot> {
    this.calls.push(window);
    if (this.script) return { ...this.script(window, r), window };
    return { ...structuredClone(this.next), window };
  }
}

export class FakeCharts implements ChartRenderer {
  rendered: ChartSpec[] = [];
  down = false;
  async render(chart: ChartSpec): Promise<Buffer> {
    if (this.down) throw new Error('chart renderer unreachable');
    this.rendered.push(chart);
    return Buffer.from('\x89PNG fake');
  }
}

export class MemoryJournal implements JournalPort {
  records: JournalRecord[] = [];
  async append(record: JournalRecord): Promise<void> {
    this.records.push(structuredClone(record));
  }
  async readAll(): Promise<JournalRecord[]> {
    return structuredClone(this.records);
  }
}

export class FakePeople implements PeopleDirectory {
  constructor(public groups: Record<string, string[]> = {}) {}
  async isListed(userId: string, usersAndGroups: readonly string[]): Promise<boolean> {
    return usersAndGroups.some((id) => id === userId || (this.groups[id] ?? []).includes(userId));
  }
}

export interface FakeDeps {
  resolver: FakeResolver;
  loadBalancer: FakeLoadBalancer;
  ecs: FakeEcs;
  metrics: FakeMetrics;
  charts: FakeCharts;
  journal: MemoryJournal;
  clock: ManualClock;
  people: FakePeople;
}

/** Fakes for every port; an override replaces one fake and keeps its own type. */
export function fakeDeps<O extends Partial<CoreDeps>>(overrides: O): Omit<FakeDeps, keyof O> & O;
export function fakeDeps(): FakeDeps;
export function fakeDeps(overrides: Partial<CoreDeps> = {}) {
  const deps: FakeDeps = {
    resolver: new FakeResolver(),
    loadBalancer: new FakeLoadBalancer(),
    ecs: new FakeEcs(),
    metrics: new FakeMetrics(),
    charts: new FakeCharts(),
    journal: new MemoryJournal(),
    clock: new ManualClock(),
    people: new FakePeople(),
  };
  return { ...deps, ...overrides };
}
