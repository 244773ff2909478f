// One simulated Migration Assistant stage, its API state: an ALB with a weighted switchover listener (and its
// rules), the two proxy target groups, the ECS capture proxy and target proxy services and their tasks. The
// traffic they carry and the per-minute ALB metrics it produces are the model it extends (traffic.ts).
//
// Behaviour copied from AWS: tasks start after a delay and register as `initial`, then turn `healthy`;
// scaling down or restarting drains targets for the deregistration delay; a target group without registered
// targets makes the ALB answer 503 itself.
import type { Side, TargetHealthEntry, Weights } from '../../core/types';
import { type Action, forwardTargets, type Rule, weightsOf } from '../aws/listener-actions';
import type { SimStageConfig, SimTimings } from './config';
import type { Random } from './random';
import { SimTraffic } from './traffic';

/** ELBv2 default action, as AWS returns it (and as ModifyListener takes it). */
export type SimAction = Action;

export interface SimListener {
  arn: string;
  port: number;
  protocol: string;
  defaultActions: SimAction[];
  /** Its rules other than the default, as DescribeRules returns them. */
  rules: Rule[];
}

export interface SimTask {
  arn: string;
  ip: string;
  deploymentId: string;
  createdAt: number;
  runningAt: number;
  healthyAt: number;
  /** Set when the task is replaced or scaled in: its target drains until then (one not running yet stops at once). */
  stopAt?: number;
}

export interface SimDeployment {
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  createdAt: number;
  updatedAt: number;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED';
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

/** A registered target as DescribeTargetHealth describes it (always with its port). */
export type TargetHealthView = TargetHealthEntry & { port: number };

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
    const listener = (port: number, forward: SimAction): SimListener => ({
      arn: `${elb}:listener/app/${lbName}/${lbId}/${random.hex(16)}`,
      port,
      protocol: 'HTTPS',
      rules: [],
      defaultActions: [forward],
    });
    const { source, target } = this.targetGroups;
    this.listeners = [
      listener(config.listenerPort, {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: source.arn, Weight: config.weights.source },
            { TargetGroupArn: target.arn, Weight: config.weights.target },
          ],
          TargetGroupStickinessConfig: { Enabled: false },
        },
      }),
      ...config.otherListeners.map(({ port, forwardTo }) => {
        const TargetGroupArn = this.targetGroups[forwardTo].arn;
        const ForwardConfig = { TargetGroups: [{ TargetGroupArn, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } };
        return listener(port, { Type: 'forward', TargetGroupArn, ForwardConfig });
      }),
    ];
    const clusterName = `migration-${name}-ecs-cluster`;
    this.cluster = { name: clusterName, arn: `arn:aws:ecs:${region}:${account}:cluster/${clusterName}` };
    const service = (side: Side, serviceName: string, desired: number): SimService => {
      const createdAt = start - 7 * 24 * 3_600_000;
      const deployment = this.newDeployment(`arn:aws:ecs:${region}:${account}:task-definition/${serviceName}:1`, createdAt);
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

  /** The forward of the switchover listener's default rule (its groups and weights: listener-actions.ts, as the bot reads them). */
  private forward(): SimAction | undefined {
    return this.switchoverListener.defaultActions.find((a) => a.Type === 'forward');
  }

  /** Weights of the two proxy groups (0 for a group the forward no longer names). */
  weights(): Weights {
    const forward = this.forward();
    return forward ? weightsOf(forward, this.targetGroups.source.arn, this.targetGroups.target.arn) : { source: 0, target: 0 };
  }

  protected routing(): Record<Side, number> | undefined {
    const forward = this.forward();
    const total = forward ? forwardTargets(forward).reduce((sum, g) => sum + g.weight, 0) : 0;
    if (total === 0) return undefined;
    const weights = this.weights();
    return { source: weights.source / total, target: weights.target / total };
  }

  private newDeployment(taskDefinition: string, at: number): SimDeployment {
    return {
      id: `ecs-svc/${Math.floor(this.random.next() * 1e18).toString().padStart(18, '0')}`,
      status: 'PRIMARY',
      taskDefinition,
      createdAt: at,
      updatedAt: at,
      rolloutState: 'IN_PROGRESS',
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
    };
  }

  /** Target health of a task at `now`, or undefined while it is not registered. */
  targetOf(service: SimService, task: SimTask, now: number): TargetHealthView | undefined {
    if (now < task.runningAt) return undefined;
    const base = { id: task.ip, port: this.targetGroups[service.side].port };
    if (task.stopAt !== undefined) {
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
    const tasks = this.services[side].tasks.filter((t) => deploymentId === undefined || t.deploymentId === deploymentId);
    return {
      running: tasks.filter((t) => now >= t.runningAt && t.stopAt === undefined).length,
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
    for (const d of service.deployments) d.status = 'ACTIVE';
    // The same task definition, new tasks.
    service.deployments.unshift(this.newDeployment(service.deployments[0]!.taskDefinition, now));
    this.reconcile(service, now);
  }

  /** The ECS scheduler: start or drain tasks of the primary deployment, retire old ones once it is healthy. */
  private reconcile(service: SimService, now: number): { drained: number; replaced: boolean } {
    const primary = service.deployments[0]!;
    const live = (t: SimTask) => t.stopAt === undefined;
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
    service.tasks = service.tasks.filter((t) => t.stopAt === undefined || now < t.stopAt);
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
    const liveBefore = service.tasks.filter((task) => task.stopAt === undefined && t >= task.runningAt).length;
    return { liveBefore, ...this.reconcile(service, t) };
  }

  /** Starts draining a task; returns 1 when it held registered connections (they will reconnect). */
  private drain(task: SimTask, now: number): number {
    const running = now >= task.runningAt;
    task.stopAt = running ? now + this.timings.deregistrationDelayMs : now;
    return running ? 1 : 0;
  }
}
