// An in-process Migration Assistant stack, its API state: an ALB with a weighted switchover listener (and its
// rules), the two proxy target groups, the ECS capture proxy and target proxy services and their tasks. The
// traffic they carry and the per-minute ALB metrics it produces are the model in traffic.ts. It moves on an
// injected Clock, in steps of STEP_MS, lazily (whenever it is asked something), so tests on a ManualClock run
// minutes of switchover in milliseconds.
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
import { SimTraffic } from './traffic';

export { SOURCE_PROFILE, STEP_MS, TARGET_PROFILE, type MinuteRecord, type SideMinute, type TrafficProfile } from './traffic';


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

export class SimStage extends SimTraffic {
  readonly loadBalancer: { name: string; arn: string; dnsName: string; createdAt: number };
  readonly listeners: SimListener[];
  readonly targetGroups: Record<Side, SimTargetGroup>;
  /** Target groups that are not proxies (a blue/green leftover): traffic sent there is lost to both sides. */
  readonly otherGroups: { name: string; arn: string }[] = [];
  readonly cluster: { name: string; arn: string };
  readonly services: Record<Side, SimService>;
  /** Model fault: targets failing health checks (with AWS's reason code). */
  unhealthy: Partial<Record<Side, string>> = {};

  constructor(
    readonly name: string,
    config: SimStageConfig,
    readonly region: string,
    readonly account: string,
    random: Random,
    private readonly timings: SimTimings,
    start: number,
  ) {
    super(random, timings.publishDelayMs, start);
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
    this.startTraffic(config);
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
  protected routesAnywhere(): boolean {
    return this.forwardWeights().some((g) => g.weight > 0);
  }

  /** Weight of the groups that are not proxies. */
  protected otherWeight(): number {
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

  protected settleService(side: Side, t: number): { liveBefore: number; drained: number; replaced: boolean } {
    const service = this.services[side];
    const liveBefore = service.tasks.filter((task) => !task.stopped && task.drainingSince === undefined && t >= task.runningAt).length;
    return { liveBefore, ...this.reconcile(service, t) };
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
  /** Carry out the next N calls, then lose their answer: the caller sees a timeout (AWS applied it). */
  answerLost?: number;
  /** Carry out the next N calls and never answer them (the bot stops, or gives up waiting). */
  answerNever?: number;
  /** Never answer the next N calls, and do not carry them out (a connection gone silent). */
  hang?: number;
  /** Refuse every call with AccessDenied until cleared. */
  accessDenied?: boolean;
}

export type SimFault = 'accessDenied' | 'throttle' | 'serverError' | 'timeout' | 'answerLost' | 'answerNever' | 'hang';

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
  takeFault(operation: string, input: unknown): SimFault | undefined {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
    this.callLog.push({ operation, at: this.clock.now(), input });
    if (this.callLog.length > 500) this.callLog.shift();
    for (const key of [operation, '*']) {
      const f = this.faults[key];
      if (!f) continue;
      if (f.accessDenied) return 'accessDenied';
      for (const kind of ['throttle', 'serverError', 'timeout', 'answerLost', 'answerNever', 'hang'] as const) {
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
