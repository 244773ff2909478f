// An in-process Migration Assistant stack: an ALB with a weighted switchover listener, the two proxy target
// groups, the ECS capture proxy and target proxy services, and the per-minute ALB metrics their traffic
// produces. It moves on an injected Clock, in steps of STEP_MS, lazily (whenever it is asked something), so
// tests on a ManualClock run minutes of switchover in milliseconds.
//
// Behaviour copied from AWS: tasks start after a delay and register as `initial`, then turn `healthy`;
// scaling down or restarting drains targets for the deregistration delay; the ALB routes new connections by
// weight while keep-alive connections stay where they are until clients reconnect (or the proxy holding
// them is replaced); a target group without registered targets makes the ALB answer 503 itself; metrics
// exist only for complete minutes with traffic and are published a minute late.
import type { Clock } from '../../core/ports';
import type { Side, Weights } from '../../core/types';
import { MINUTE_MS } from '../../core/types';
import { Random } from './random';

export const STEP_MS = 5_000;

/** A failure the simulated AWS answers with, in AWS's terms (code and HTTP status). */
export class SimAwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

export interface TrafficProfile {
  /** Share of requests answered 5xx / 4xx / 3xx by the proxy. */
  error5xx: number;
  error4xx: number;
  error3xx: number;
  /** Seconds. */
  latencyAvg: number;
  latencyP99: number;
}

export interface SimTimings {
  /** From UpdateService to the task RUNNING and registered (`initial`). */
  taskStartMs: number;
  /** From registration to passing health checks (`healthy`). */
  healthyAfterMs: number;
  /** Target group deregistration delay (AWS default 300 s). */
  deregistrationDelayMs: number;
  /** How long after a minute ends its datapoints can be read. */
  publishDelayMs: number;
}

export const DEFAULT_TIMINGS: SimTimings = {
  taskStartMs: 40_000,
  healthyAfterMs: 30_000,
  deregistrationDelayMs: 300_000,
  publishDelayMs: 60_000,
};

export interface SimStageConfig {
  name: string;
  /** Port of the switchover listener (443 in current releases, 9200 on older stacks). */
  listenerPort: number;
  /** Other listeners forwarding to one proxy group, as real stacks have. */
  otherListeners: { port: number; forwardTo: Side }[];
  captureProxyDesired: number;
  targetProxyDesired: number;
  weights: Weights;
  requestsPerMinute: number;
  /**
   * Share of traffic on long-lived keep-alive connections (default 0.6). 0: every request is routed by the
   * listener's weights of the moment, so the split follows the weights minute by minute.
   */
  keepAliveShare?: number;
}

export const DEFAULT_STAGES: SimStageConfig[] = [
  {
    name: 'dev',
    listenerPort: 443,
    otherListeners: [
      { port: 9201, forwardTo: 'source' },
      { port: 9202, forwardTo: 'target' },
    ],
    captureProxyDesired: 3,
    targetProxyDesired: 0,
    weights: { source: 1, target: 0 },
    requestsPerMinute: 1200,
  },
  {
    name: 'staging',
    listenerPort: 9200,
    otherListeners: [],
    captureProxyDesired: 2,
    targetProxyDesired: 2,
    weights: { source: 1, target: 0 },
    requestsPerMinute: 900,
  },
];

export const SOURCE_PROFILE: TrafficProfile = { error5xx: 0.002, error4xx: 0.015, error3xx: 0.001, latencyAvg: 0.045, latencyP99: 0.2 };
export const TARGET_PROFILE: TrafficProfile = { error5xx: 0.001, error4xx: 0.015, error3xx: 0.001, latencyAvg: 0.038, latencyP99: 0.16 };

/** ELBv2 default action, as AWS returns it (and as ModifyListener takes it). */
export interface SimAction {
  Type: string;
  Order?: number;
  TargetGroupArn?: string;
  ForwardConfig?: {
    TargetGroups: { TargetGroupArn: string; Weight?: number }[];
    TargetGroupStickinessConfig?: { Enabled: boolean; DurationSeconds?: number };
  };
  [other: string]: unknown;
}

/** A listener rule other than the default, as DescribeRules returns it. */
export interface SimRule {
  RuleArn: string;
  Priority: string;
  Conditions: Array<{ Field: string; Values?: string[]; PathPatternConfig?: { Values: string[] }; [other: string]: unknown }>;
  Actions: SimAction[];
  IsDefault: false;
}

export interface SimListener {
  arn: string;
  port: number;
  protocol: string;
  defaultActions: SimAction[];
  rules: SimRule[];
}

export interface SimTask {
  arn: string;
  ip: string;
  deploymentId: string;
  createdAt: number;
  runningAt: number;
  healthyAt: number;
  /** Set when the task is being replaced or scaled in: its target drains until `stopAt`. */
  drainingSince?: number;
  stopAt?: number;
  stopped: boolean;
}

export interface SimDeployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  createdAt: number;
  updatedAt: number;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED';
  failedTasks: number;
}

export interface SimService {
  name: string;
  arn: string;
  side: Side;
  desired: number;
  createdAt: number;
  deployments: SimDeployment[];
  tasks: SimTask[];
}

export interface SimTargetGroup {
  name: string;
  arn: string;
  port: number;
  side: Side;
}

export interface TargetHealthView {
  id: string;
  port: number;
  state: 'initial' | 'healthy' | 'unhealthy' | 'draining';
  reason?: string;
  description?: string;
}

/** Figures of one proxy group in one minute, as CloudWatch would aggregate them. */
export interface SideMinute {
  requests: number;
  c2xx: number;
  c3xx: number;
  c4xx: number;
  c5xx: number;
  latencyAvg: number;
  latencyP99: number;
  healthyHosts: number;
  unhealthyHosts: number;
  /** Connections the load balancer could not open to the group's targets (TargetConnectionErrorCount). */
  connectionErrors: number;
}

export interface MinuteRecord {
  t: number;
  source: SideMinute;
  target: SideMinute;
  activeConnections: number;
  newConnections: number;
  elb5xx: number;
}

interface SideAccumulator {
  requests: number;
  latencyWeighted: number;
  p99Max: number;
  e5: number;
  e4: number;
  e3: number;
  connErrors: number;
}

interface Accumulator {
  source: SideAccumulator;
  target: SideAccumulator;
  newConnections: number;
  elb5xx: number;
}

function emptySide(): SideAccumulator {
  return { requests: 0, latencyWeighted: 0, p99Max: 0, e5: 0, e4: 0, e3: 0, connErrors: 0 };
}

export class SimStage {
  readonly loadBalancer: { name: string; arn: string; dnsName: string; createdAt: number };
  readonly listeners: SimListener[];
  readonly targetGroups: Record<Side, SimTargetGroup>;
  /** Target groups that are not proxies (a blue/green leftover): traffic sent there is lost to both sides. */
  readonly otherGroups: { name: string; arn: string }[] = [];
  readonly cluster: { name: string; arn: string };
  readonly services: Record<Side, SimService>;
  /** Share of traffic carried by long-lived keep-alive connections (they only move when clients reconnect). */
  keepAliveShare = 0.6;
  /** Share of keep-alive connections that reconnect per minute. */
  reconnectPerMinute = 0.2;
  /** Keep-alive connections held open by clients. */
  connectionPool = 60;
  /** Where the keep-alive connections are now (shares summing to 1). */
  pinned: Record<Side, number>;
  requestsPerMinute: number;
  profiles: Record<Side, TrafficProfile> = { source: { ...SOURCE_PROFILE }, target: { ...TARGET_PROFILE } };
  /** Model faults: targets failing health checks (with AWS's reason code), an error spike on the target side. */
  unhealthy: Partial<Record<Side, string>> = {};
  errorSpike?: number;
  /** Share of a side's requests whose connection to a target fails: the load balancer answers them 502. */
  connectionFailures: Partial<Record<Side, number>> = {};
  /** Minutes CloudWatch has no datapoint for at all (a publishing gap), from `from` until `to` (open: still on). */
  dataGap?: { from: number; to?: number };
  /** Completed minutes, oldest first. */
  readonly minutes: MinuteRecord[] = [];
  simTime: number;
  private acc: Accumulator = { source: emptySide(), target: emptySide(), newConnections: 0, elb5xx: 0 };
  private minuteFactor = 1;

  constructor(
    readonly name: string,
    config: SimStageConfig,
    readonly region: string,
    readonly account: string,
    private readonly random: Random,
    private readonly timings: SimTimings,
    start: number,
  ) {
    const lbId = random.hex(16);
    const lbName = `MigrationAssistant-${name}`;
    const elb = `arn:aws:elasticloadbalancing:${region}:${account}`;
    this.loadBalancer = {
      name: lbName,
      arn: `${elb}:loadbalancer/app/${lbName}/${lbId}`,
      dnsName: `internal-${lbName}-${random.next().toString().slice(2, 12)}.${region}.elb.amazonaws.com`,
      createdAt: start - 30 * 24 * 3_600_000,
    };
    const tg = (side: Side, tgName: string): SimTargetGroup => ({
      name: tgName,
      arn: `${elb}:targetgroup/${tgName}/${random.hex(16)}`,
      port: 9200,
      side,
    });
    this.targetGroups = { source: tg('source', `ALBSourceProxy-${name}-TG`), target: tg('target', `ALBTargetProxy-${name}-TG`) };
    const listenerArn = () => `${elb}:listener/app/${lbName}/${lbId}/${random.hex(16)}`;
    this.listeners = [
      {
        arn: listenerArn(),
        port: config.listenerPort,
        protocol: 'HTTPS',
        rules: [],
        defaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: this.targetGroups.source.arn, Weight: config.weights.source },
                { TargetGroupArn: this.targetGroups.target.arn, Weight: config.weights.target },
              ],
              TargetGroupStickinessConfig: { Enabled: false },
            },
          },
        ],
      },
      ...config.otherListeners.map((other) => ({
        arn: listenerArn(),
        port: other.port,
        protocol: 'HTTPS',
        rules: [],
        defaultActions: [
          {
            Type: 'forward',
            TargetGroupArn: this.targetGroups[other.forwardTo].arn,
            ForwardConfig: {
              TargetGroups: [{ TargetGroupArn: this.targetGroups[other.forwardTo].arn, Weight: 1 }],
              TargetGroupStickinessConfig: { Enabled: false },
            },
          },
        ],
      })),
    ];
    const clusterName = `migration-${name}-ecs-cluster`;
    this.cluster = { name: clusterName, arn: `arn:aws:ecs:${region}:${account}:cluster/${clusterName}` };
    const service = (side: Side, serviceName: string, desired: number): SimService => {
      const createdAt = start - 7 * 24 * 3_600_000;
      const deployment = this.newDeployment(serviceName, createdAt, 1);
      deployment.rolloutState = 'COMPLETED';
      const svc: SimService = {
        name: serviceName,
        arn: `arn:aws:ecs:${region}:${account}:service/${clusterName}/${serviceName}`,
        side,
        desired,
        createdAt,
        deployments: [deployment],
        tasks: [],
      };
      // Tasks of a settled stack have been healthy for a long time.
      for (let i = 0; i < desired; i++) svc.tasks.push(this.newTask(deployment.id, createdAt));
      return svc;
    };
    this.services = {
      source: service('source', `migration-${name}-capture-proxy`, config.captureProxyDesired),
      target: service('target', `migration-${name}-target-cluster-proxy`, config.targetProxyDesired),
    };
    this.requestsPerMinute = config.requestsPerMinute;
    if (config.keepAliveShare !== undefined) this.keepAliveShare = config.keepAliveShare;
    const shares = this.newConnectionShares();
    this.pinned = { source: shares.source, target: shares.target };
    this.simTime = start;
    this.minuteFactor = random.jitter(0.06);
  }

  get switchoverListener(): SimListener {
    return this.listeners[0]!;
  }

  /** Weights of the switchover listener's forward, every group it names (a weight left out is AWS's 1). */
  private forwardWeights(): { arn: string; weight: number }[] {
    const forward = this.switchoverListener.defaultActions.find((a) => a.Type === 'forward');
    const groups = forward?.ForwardConfig?.TargetGroups ?? [];
    if (groups.length > 0) return groups.map((g) => ({ arn: g.TargetGroupArn, weight: g.Weight ?? 1 }));
    return forward?.TargetGroupArn ? [{ arn: forward.TargetGroupArn, weight: 1 }] : [];
  }

  /** Weights of the two proxy groups (0 for a group the forward no longer names). */
  weights(): Weights {
    const groups = this.forwardWeights();
    const weight = (side: Side) => groups.find((g) => g.arn === this.targetGroups[side].arn)?.weight ?? 0;
    return { source: weight('source'), target: weight('target') };
  }

  /** Whether the forward gives weight to any group (else the ALB has nowhere to send new connections). */
  private routesAnywhere(): boolean {
    return this.forwardWeights().some((g) => g.weight > 0);
  }

  /** Weight of the groups that are not proxies. */
  private otherWeight(): number {
    const proxies = new Set([this.targetGroups.source.arn, this.targetGroups.target.arn]);
    return this.forwardWeights().reduce((s, g) => s + (proxies.has(g.arn) ? 0 : g.weight), 0);
  }

  private newDeployment(serviceName: string, at: number, revision: number): SimDeployment {
    return {
      id: `ecs-svc/${Math.floor(this.random.next() * 1e18).toString().padStart(18, '0')}`,
      status: 'PRIMARY',
      taskDefinition: `arn:aws:ecs:${this.region}:${this.account}:task-definition/${serviceName}:${revision}`,
      createdAt: at,
      updatedAt: at,
      rolloutState: 'IN_PROGRESS',
      failedTasks: 0,
    };
  }

  private newTask(deploymentId: string, at: number): SimTask {
    const runningAt = at + this.timings.taskStartMs;
    return {
      arn: `${this.cluster.arn.replace(':cluster/', ':task/')}/${this.random.hex(32)}`,
      ip: `10.0.${Math.floor(this.random.next() * 250) + 1}.${Math.floor(this.random.next() * 250) + 2}`,
      deploymentId,
      createdAt: at,
      runningAt,
      healthyAt: runningAt + this.timings.healthyAfterMs,
      stopped: false,
    };
  }

  /** Target health of a task at `now`, or undefined while it is not registered. */
  targetOf(service: SimService, task: SimTask, now: number): TargetHealthView | undefined {
    if (task.stopped || now < task.runningAt) return undefined;
    const base = { id: task.ip, port: this.targetGroups[service.side].port };
    if (task.drainingSince !== undefined) {
      return { ...base, state: 'draining', reason: 'Target.DeregistrationInProgress', description: 'Target deregistration is in progress' };
    }
    if (now < task.healthyAt) {
      return { ...base, state: 'initial', reason: 'Elb.RegistrationInProgress', description: 'Target registration is in progress' };
    }
    const reason = this.unhealthy[service.side];
    if (reason) {
      const description =
        reason === 'Target.ResponseCodeMismatch'
          ? 'Health checks failed with these codes: [502]'
          : reason === 'Target.Timeout'
            ? 'Request timed out'
            : 'Health checks failed';
      return { ...base, state: 'unhealthy', reason, description };
    }
    return { ...base, state: 'healthy' };
  }

  targetHealth(side: Side, now: number): TargetHealthView[] {
    const service = this.services[side];
    return service.tasks.flatMap((task) => this.targetOf(service, task, now) ?? []);
  }

  /** ECS counts at `now`: running excludes draining tasks, pending are not yet running. */
  counts(side: Side, now: number, deploymentId?: string): { running: number; pending: number } {
    const tasks = this.services[side].tasks.filter((t) => !t.stopped && (deploymentId === undefined || t.deploymentId === deploymentId));
    return {
      running: tasks.filter((t) => now >= t.runningAt && t.drainingSince === undefined).length,
      pending: tasks.filter((t) => now < t.runningAt).length,
    };
  }

  setDesired(side: Side, desired: number, now: number): void {
    const service = this.services[side];
    service.desired = desired;
    service.deployments[0]!.updatedAt = now;
    service.deployments[0]!.rolloutState = 'IN_PROGRESS';
    this.reconcile(service, now);
  }

  /** A rolling replacement of every task (UpdateService forceNewDeployment). */
  forceNewDeployment(side: Side, now: number): void {
    const service = this.services[side];
    const revision = Number(service.deployments[0]!.taskDefinition.split(':').pop()) || 1;
    for (const d of service.deployments) d.status = 'ACTIVE';
    const deployment = this.newDeployment(service.name, now, revision);
    deployment.taskDefinition = service.deployments[0]!.taskDefinition;
    service.deployments.unshift(deployment);
    this.reconcile(service, now);
  }

  /** The ECS scheduler: start or drain tasks of the primary deployment, retire old ones once it is healthy. */
  private reconcile(service: SimService, now: number): { drained: number; replaced: boolean } {
    const primary = service.deployments[0]!;
    const live = (t: SimTask) => !t.stopped && t.drainingSince === undefined;
    const current = service.tasks.filter((t) => live(t) && t.deploymentId === primary.id);
    let drained = 0;
    let replaced = false;
    for (let i = current.length; i < service.desired; i++) service.tasks.push(this.newTask(primary.id, now));
    if (current.length > service.desired) {
      const extra = current.sort((a, b) => b.createdAt - a.createdAt).slice(0, current.length - service.desired);
      for (const task of extra) drained += this.drain(task, now);
    }
    const primaryHealthy = service.tasks.filter(
      (t) => live(t) && t.deploymentId === primary.id && this.targetOf(service, t, now)?.state === 'healthy',
    ).length;
    if (primaryHealthy >= service.desired) {
      for (const task of service.tasks.filter((t) => live(t) && t.deploymentId !== primary.id)) {
        drained += this.drain(task, now);
        replaced = true;
      }
    }
    for (const task of service.tasks) {
      if (!task.stopped && task.stopAt !== undefined && now >= task.stopAt) task.stopped = true;
    }
    service.tasks = service.tasks.filter((t) => !t.stopped);
    service.deployments = service.deployments.filter((d, i) => i === 0 || service.tasks.some((t) => t.deploymentId === d.id));
    const settled =
      service.deployments.length === 1 &&
      primaryHealthy === service.desired &&
      service.tasks.every((t) => t.deploymentId === primary.id && live(t));
    if (settled && primary.rolloutState !== 'COMPLETED') {
      primary.rolloutState = 'COMPLETED';
      primary.updatedAt = now;
    }
    return { drained, replaced };
  }

  /** Starts draining a task; returns 1 when it held registered connections (they will reconnect). */
  private drain(task: SimTask, now: number): number {
    if (now < task.runningAt) {
      task.stopped = true;
      return 0;
    }
    task.drainingSince = now;
    task.stopAt = now + this.timings.deregistrationDelayMs;
    return 1;
  }

  /** Share of new connections each group gets, by weight. */
  private newConnectionShares(): Record<Side, number> {
    const w = this.weights();
    const total = w.source + w.target + this.otherWeight();
    return total === 0 ? { source: 0, target: 0 } : { source: w.source / total, target: w.target / total };
  }

  /** Advances the model to `now`, one step at a time. */
  advanceTo(now: number): void {
    while (this.simTime + STEP_MS <= now) {
      this.step(this.simTime);
      this.simTime += STEP_MS;
      if (this.simTime % MINUTE_MS === 0) this.closeMinute(this.simTime - MINUTE_MS);
    }
  }

  private step(t: number): void {
    for (const side of ['source', 'target'] as const) {
      const service = this.services[side];
      const liveBefore = service.tasks.filter((task) => !task.stopped && task.drainingSince === undefined && t >= task.runningAt).length;
      const { drained, replaced } = this.reconcile(service, t);
      // Connections held by a proxy task that drains are closed: those clients reconnect by weight. A
      // replacement (forced new deployment) drains every task that held them.
      if (replaced) this.reconnect(side, 1);
      else if (drained > 0 && liveBefore > 0) this.reconnect(side, Math.min(1, drained / liveBefore));
    }
    const shares = this.newConnectionShares();
    const routable: Record<Side, boolean> = { source: false, target: false };
    for (const side of ['source', 'target'] as const) {
      routable[side] = this.targetHealth(side, t).some((target) => target.state !== 'draining');
      // A group with nothing registered breaks its pinned connections.
      if (!routable[side] && this.pinned[side] > 0) this.reconnect(side, 1);
    }
    const f = STEP_MS / MINUTE_MS;
    for (const side of ['source', 'target'] as const) {
      this.pinned[side] += ((side === 'source' ? shares.source : shares.target) - this.pinned[side]) * this.reconnectPerMinute * f;
    }
    const requests = this.requestsPerMinute * this.minuteFactor * f;
    const keepAlive = requests * this.keepAliveShare;
    const fresh = requests - keepAlive;
    const noRoute = this.routesAnywhere() ? 0 : fresh;
    this.acc.elb5xx += noRoute;
    // Short-lived clients open a connection every few requests; keep-alive clients only when they reconnect.
    this.acc.newConnections += fresh / 4 + this.connectionPool * this.reconnectPerMinute * f;
    for (const side of ['source', 'target'] as const) {
      const n = keepAlive * this.pinned[side] + fresh * shares[side];
      if (!routable[side]) {
        this.acc.elb5xx += n;
        continue;
      }
      const profile = this.profileOf(side, t);
      const a = this.acc[side];
      const failed = n * (this.connectionFailures[side] ?? 0);
      a.connErrors += failed;
      this.acc.elb5xx += failed;
      a.requests += n;
      a.latencyWeighted += n * profile.latencyAvg;
      a.p99Max = Math.max(a.p99Max, profile.latencyP99);
      a.e5 += n * profile.error5xx;
      a.e4 += n * profile.error4xx;
      a.e3 += n * profile.error3xx;
    }
  }

  /** Moves `fraction` of a group's keep-alive connections to new connections routed by weight. */
  private reconnect(side: Side, fraction: number): void {
    const moved = this.pinned[side] * fraction;
    const shares = this.newConnectionShares();
    this.pinned[side] -= moved;
    this.pinned.source += moved * shares.source;
    this.pinned.target += moved * shares.target;
    // With no weight anywhere the clients keep retrying the same side.
    if (!this.routesAnywhere()) this.pinned[side] += moved;
  }

  private profileOf(side: Side, t: number): TrafficProfile {
    const base = this.profiles[side];
    const profile = { ...base };
    if (side === 'target' && this.errorSpike !== undefined) {
      profile.error5xx = this.errorSpike;
      profile.latencyP99 = base.latencyP99 * 3;
      profile.latencyAvg = base.latencyAvg * 1.5;
    }
    // The ALB fails open to unhealthy targets: they answer, badly.
    const targets = this.targetHealth(side, t);
    if (this.unhealthy[side] && !targets.some((x) => x.state === 'healthy')) {
      profile.error5xx = Math.max(profile.error5xx, 0.5);
      profile.latencyP99 = base.latencyP99 * 5;
    }
    return profile;
  }

  private closeMinute(t: number): void {
    const r = this.random;
    const side = (s: Side): SideMinute => {
      const a = this.acc[s];
      const requests = r.round(a.requests);
      const c5xx = Math.min(requests, r.round(a.e5));
      const c4xx = Math.min(requests - c5xx, r.round(a.e4));
      const c3xx = Math.min(requests - c5xx - c4xx, r.round(a.e3));
      const hosts = this.targetHealth(s, t + MINUTE_MS);
      return {
        requests,
        c2xx: requests - c5xx - c4xx - c3xx,
        c3xx,
        c4xx,
        c5xx,
        latencyAvg: requests > 0 ? (a.latencyWeighted / a.requests) * r.jitter(0.08) : 0,
        latencyP99: requests > 0 ? a.p99Max * r.jitter(0.1) : 0,
        healthyHosts: hosts.filter((h) => h.state === 'healthy').length,
        unhealthyHosts: hosts.filter((h) => h.state === 'unhealthy').length,
        connectionErrors: r.round(a.connErrors),
      };
    };
    const source = side('source');
    const target = side('target');
    const newConnections = r.round(this.acc.newConnections);
    this.minutes.push({
      t,
      source,
      target,
      newConnections,
      activeConnections: newConnections > 0 || source.requests + target.requests > 0 ? this.connectionPool + newConnections : 0,
      elb5xx: r.round(this.acc.elb5xx),
    });
    // A day of minutes is plenty for any window the bot asks for.
    if (this.minutes.length > 24 * 60) this.minutes.shift();
    this.acc = { source: emptySide(), target: emptySide(), newConnections: 0, elb5xx: 0 };
    this.minuteFactor = r.jitter(0.06);
  }

  /** Minutes whose datapoints CloudWatch would have published by `now`. */
  publishedMinutes(now: number): MinuteRecord[] {
    const gap = this.dataGap;
    const inGap = (t: number) => gap !== undefined && t >= gap.from && (gap.to === undefined || t < gap.to);
    return this.minutes.filter((m) => m.t + MINUTE_MS + this.timings.publishDelayMs <= now && !inGap(m.t));
  }
}

/** Per-operation transport faults; each counter is used up one call at a time. */
export interface OperationFaults {
  /** Answer the next N calls with a throttling error. */
  throttle?: number;
  /** Answer the next N calls with 503 ServiceUnavailable (500 InternalFailure for ECS: ServerException). */
  serverError?: number;
  /** Fail the next N calls as a client-side timeout. */
  timeout?: number;
  /** Added latency per call, in real milliseconds. */
  latencyMs?: number;
  /** Refuse every call with AccessDenied until cleared. */
  accessDenied?: boolean;
}

export interface SimStackOptions {
  clock: Clock;
  seed?: number;
  region?: string;
  account?: string;
  stages?: SimStageConfig[];
  timings?: Partial<SimTimings>;
  /** Minutes of traffic already behind the stack when it is created (for baselines). Default 60. */
  historyMinutes?: number;
}

export class SimStack {
  readonly clock: Clock;
  readonly region: string;
  readonly account: string;
  readonly timings: SimTimings;
  readonly stages = new Map<string, SimStage>();
  /** Transport faults per operation name (e.g. `ModifyListener`), or `*` for every operation. */
  faults: Record<string, OperationFaults> = {};
  /** CloudWatch answers every call with 503 while true. */
  cloudWatchDown = false;
  /** Metrics whose query result comes back as InternalError, as `MetricName` or `MetricName:Stat`. */
  readonly failingMetrics = new Set<string>();
  /** Calls received per operation (including failed ones), for tests and benchmarks. */
  calls: Record<string, number> = {};
  /** The last calls, newest last: operation and decoded input. */
  readonly callLog: { operation: string; at: number; input: unknown }[] = [];
  private readonly random: Random;

  constructor(options: SimStackOptions) {
    this.clock = options.clock;
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '123456789012';
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.random = new Random(options.seed ?? 42);
    const history = options.historyMinutes ?? 60;
    const now = this.clock.now();
    const start = Math.floor(now / MINUTE_MS) * MINUTE_MS - history * MINUTE_MS;
    for (const config of options.stages ?? DEFAULT_STAGES) {
      this.stages.set(config.name, new SimStage(config.name, config, this.region, this.account, this.random, this.timings, start));
    }
    this.sync();
  }

  /** Brings every stage up to the clock. Called before each answer. */
  sync(): void {
    const now = this.clock.now();
    for (const stage of this.stages.values()) stage.advanceTo(now);
  }

  stage(name: string): SimStage {
    const stage = this.stages.get(name);
    if (!stage) throw new Error(`the simulated stack has no stage ${name} (it has ${[...this.stages.keys()].join(', ')})`);
    return stage;
  }

  /** Model fault: the side's targets fail health checks (`undefined` heals them). */
  setUnhealthy(stage: string, side: Side, reason: string | undefined = 'Target.FailedHealthChecks'): void {
    this.sync();
    const s = this.stage(stage);
    if (reason) s.unhealthy[side] = reason;
    else delete s.unhealthy[side];
  }

  /** Model fault: the target proxy answers this share of requests with 5xx (`undefined` ends the spike). */
  setErrorSpike(stage: string, rate: number | undefined): void {
    this.sync();
    this.stage(stage).errorSpike = rate;
  }

  /**
   * An edit of the switchover listener's default rule in the console (not through ModifyListener's
   * validation): the runbook's manual fallback leaves `{ Type: 'forward', TargetGroupArn: <source> }` or a
   * ForwardConfig with one group.
   */
  editDefaultActions(stage: string, actions: SimAction[]): void {
    this.sync();
    this.stage(stage).switchoverListener.defaultActions = structuredClone(actions);
  }

  /** A target group that is not a proxy (e.g. a blue/green leftover), registered with the stage's load balancer. */
  addOtherTargetGroup(stage: string, name: string): string {
    const s = this.stage(stage);
    const arn = `${s.targetGroups.source.arn.split(':targetgroup/')[0]}:targetgroup/${name}/${this.random.hex(16)}`;
    s.otherGroups.push({ name, arn });
    return arn;
  }

  /** A listener rule besides the default one on the switchover listener. */
  addRule(stage: string, rule: { priority: number; pathPattern: string; forwardTo: string }): void {
    const listener = this.stage(stage).switchoverListener;
    listener.rules.push({
      RuleArn: `${listener.arn.replace(':listener/', ':listener-rule/')}/${this.random.hex(16)}`,
      Priority: String(rule.priority),
      Conditions: [{ Field: 'path-pattern', Values: [rule.pathPattern], PathPatternConfig: { Values: [rule.pathPattern] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: rule.forwardTo, ForwardConfig: { TargetGroups: [{ TargetGroupArn: rule.forwardTo, Weight: 1 }] } }],
      IsDefault: false,
    });
  }

  /** Model fault: this share of the side's requests fail to connect to a target (`undefined` heals it). */
  setConnectionFailures(stage: string, side: Side, rate: number | undefined): void {
    this.sync();
    const s = this.stage(stage);
    if (rate === undefined) delete s.connectionFailures[side];
    else s.connectionFailures[side] = rate;
  }

  /** Model fault: CloudWatch publishes nothing for the stage's minutes from `from` (until `to`, if given). */
  setDataGap(stage: string, from: number, to?: number): void {
    this.stage(stage).dataGap = { from, ...(to === undefined ? {} : { to }) };
  }

  resetCalls(): void {
    this.calls = {};
    this.callLog.length = 0;
  }

  /** Records a call and returns the transport fault to apply to it, if any (counters are used up). */
  takeFault(operation: string, input: unknown): 'accessDenied' | 'throttle' | 'serverError' | 'timeout' | undefined {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
    this.callLog.push({ operation, at: this.clock.now(), input });
    if (this.callLog.length > 500) this.callLog.shift();
    for (const key of [operation, '*']) {
      const f = this.faults[key];
      if (!f) continue;
      if (f.accessDenied) return 'accessDenied';
      for (const kind of ['throttle', 'serverError', 'timeout'] as const) {
        if ((f[kind] ?? 0) > 0) {
          f[kind]! -= 1;
          return kind;
        }
      }
    }
    return undefined;
  }

  latencyFor(operation: string): number {
    return (this.faults[operation]?.latencyMs ?? 0) + (this.faults['*']?.latencyMs ?? 0);
  }

  // ---- lookups used by the transport ----

  findLoadBalancer(nameOrArn: string): SimStage | undefined {
    return [...this.stages.values()].find((s) => s.loadBalancer.name === nameOrArn || s.loadBalancer.arn === nameOrArn);
  }

  findListener(arn: string): { stage: SimStage; listener: SimListener } | undefined {
    for (const stage of this.stages.values()) {
      const listener = stage.listeners.find((l) => l.arn === arn);
      if (listener) return { stage, listener };
    }
    return undefined;
  }

  findTargetGroup(nameOrArn: string): { stage: SimStage; group: SimTargetGroup } | undefined {
    for (const stage of this.stages.values()) {
      for (const group of Object.values(stage.targetGroups)) {
        if (group.name === nameOrArn || group.arn === nameOrArn) return { stage, group };
      }
    }
    return undefined;
  }

  findCluster(nameOrArn: string): SimStage | undefined {
    return [...this.stages.values()].find((s) => s.cluster.name === nameOrArn || s.cluster.arn === nameOrArn);
  }

  /** Validates and applies new default actions to a listener, as ModifyListener does. */
  modifyListener(arn: string, actions: SimAction[]): SimListener {
    this.sync();
    const found = this.findListener(arn);
    if (!found) throw new SimAwsError('ListenerNotFound', `Listener '${arn}' not found`);
    if (actions.length === 0) throw new SimAwsError('ValidationError', 'A default action must be specified');
    actions.forEach((action, i) => {
      if (action.Type !== 'forward') return;
      const groups = action.ForwardConfig?.TargetGroups ?? [];
      if (action.TargetGroupArn && groups.length > 1) {
        throw new SimAwsError('ValidationError', 'You cannot specify both a target group ARN and a forward config with multiple target groups');
      }
      if (!action.TargetGroupArn && groups.length === 0) {
        throw new SimAwsError('ValidationError', 'A target group ARN or a forward config must be specified for a forward action');
      }
      groups.forEach((g, j) => {
        if (g.Weight !== undefined && (!Number.isInteger(g.Weight) || g.Weight < 0 || g.Weight > 999)) {
          throw new SimAwsError(
            'ValidationError',
            `1 validation error detected: Value '${g.Weight}' at 'defaultActions.${i + 1}.member.forwardConfig.targetGroups.${j + 1}.member.weight' failed to satisfy constraint: Member must have value less than or equal to 999 and greater than or equal to 0`,
          );
        }
      });
      for (const tgArn of [action.TargetGroupArn, ...groups.map((g) => g.TargetGroupArn)].filter(Boolean) as string[]) {
        if (!this.findTargetGroup(tgArn) && !found.stage.otherGroups.some((g) => g.arn === tgArn)) throw new SimAwsError('TargetGroupNotFound', `One or more target groups not found`);
      }
      const stickiness = action.ForwardConfig?.TargetGroupStickinessConfig;
      if (stickiness?.Enabled && (stickiness.DurationSeconds === undefined || stickiness.DurationSeconds < 1 || stickiness.DurationSeconds > 604800)) {
        throw new SimAwsError('ValidationError', 'The target group stickiness duration must be between 1 and 604800 seconds');
      }
    });
    found.listener.defaultActions = structuredClone(actions);
    return found.listener;
  }
}
