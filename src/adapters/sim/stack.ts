// An in-process Migration Assistant stack: its stages (stage.ts: the API state; traffic.ts: the traffic and
// its metrics), the faults its transport is told to answer with, and the lookups the transport makes. It
// moves on an injected Clock, in steps of STEP_MS, lazily (whenever it is asked something), so tests on a
// ManualClock run minutes of switchover in milliseconds. Metrics exist only for complete minutes with
// traffic and are published a minute late; the ALB routes new connections by weight while keep-alive
// connections stay where they are until clients reconnect (or the proxy holding them is replaced).
import type { Clock } from '../../core/ports';
import type { Side } from '../../core/types';
import { MINUTE_MS } from '../../core/types';
import { DEFAULT_STAGES, DEFAULT_TIMINGS, type SimStageConfig, type SimTimings } from './config';
import { Random } from './random';
import { SimStage, type SimAction, type SimListener, type SimTargetGroup } from './stage';

export { SOURCE_PROFILE, STEP_MS, TARGET_PROFILE, type MinuteRecord, type SideMinute, type TrafficProfile } from './traffic';
export { DEFAULT_STAGES, DEFAULT_TIMINGS, type SimStageConfig, type SimTimings } from './config';
export * from './stage';

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
  }

  /** Counts a call and returns the transport fault to apply to it, if any (counters are used up). */
  takeFault(operation: string): SimFault | undefined {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
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
