// Stage discovery: a stage name to the resources of its Migration Assistant stack. Resolutions are cached
// briefly (they cost three calls); weights and health never are, they are read fresh by the other ports.
import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  type ElasticLoadBalancingV2Client,
  type Listener,
  type LoadBalancer,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Clock, StageResolver } from '../../core/ports';
import { isValidStageName, STAGE_NAME_RULE } from '../../core/stage';
import type { StageResources, TargetGroupRef } from '../../core/types';
import { AwsCallError, awsCall, StageNotFoundError } from './errors';
import {
  describeListenerRouting,
  findProxyForward,
  loadBalancerDimension,
  namesBothProxies,
  targetGroupDimension,
  targetGroupNameOf,
} from './listener-actions';
import { LOAD_BALANCER_PREFIX, namesPastAwsLimit, stageNames, type StageNames } from './naming';
import type { StagesOverrides } from './stages-file';

export { StageNotFoundError } from './errors';

/** How long a resolution (and the list of stages) is reused. */
export const RESOLUTION_TTL_MS = 5 * 60_000;

const FIX = 'Check the stage name, or map it in SWITCHOVER_STAGES_FILE.';

function isNotFound(error: unknown, code: string): boolean {
  return error instanceof AwsCallError && error.code === code;
}

export class AwsStageResolver implements StageResolver {
  /** Resolutions (`stage <name>`) and the list of stages (`stages`): each a promise reused for ttlMs. */
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();
  /**
   * The switchover listener last found per stage, kept past the cache: after a manual fallback its forward
   * names one proxy group, like a stack's direct listener to that group, and this tells the two apart.
   */
  private readonly knownListeners = new Map<string, string>();

  constructor(
    private readonly clients: { elbv2: ElasticLoadBalancingV2Client },
    private readonly clock: Clock,
    private readonly overrides: StagesOverrides = {},
    private readonly ttlMs = RESOLUTION_TTL_MS,
  ) {}

  resolve(stage: string): Promise<StageResources> {
    return this.cached(`stage ${stage}`, () => this.discover(stage));
  }

  listStages(): Promise<string[]> {
    return this.cached('stages', () => this.discoverStages());
  }

  /** Forgets every cached resolution, e.g. after a stack was redeployed. */
  invalidate(): void {
    this.cache.clear();
  }

  /** The promise is cached, so concurrent lookups share their calls; a failure is forgotten at once. */
  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && this.clock.now() - hit.at < this.ttlMs) return hit.value as Promise<T>;
    const value = load();
    this.cache.set(key, { at: this.clock.now(), value });
    value.catch(() => {
      if (this.cache.get(key)?.value === value) this.cache.delete(key);
    });
    return value;
  }

  private async region(): Promise<string> {
    try {
      return await this.clients.elbv2.config.region();
    } catch {
      return 'the configured region';
    }
  }

  private async discoverStages(): Promise<string[]> {
    const stages = new Set(Object.keys(this.overrides));
    await awsCall('elasticloadbalancing:DescribeLoadBalancers', '*', async () => {
      for await (const page of paginateDescribeLoadBalancers({ client: this.clients.elbv2 }, { PageSize: 400 })) {
        for (const lb of page.LoadBalancers ?? []) {
          const name = lb.LoadBalancerName ?? '';
          if (!name.startsWith(LOAD_BALANCER_PREFIX)) continue;
          const stage = name.slice(LOAD_BALANCER_PREFIX.length);
          if (isValidStageName(stage)) stages.add(stage);
        }
      }
    });
    return [...stages].sort();
  }

  private async discover(stage: string): Promise<StageResources> {
    const override = this.overrides[stage];
    if (!override && !isValidStageName(stage)) {
      throw new StageNotFoundError(`\`${stage}\` is not a stage name: use ${STAGE_NAME_RULE}.`);
    }
    const names = stageNames(stage, override);
    const tooLong = namesPastAwsLimit(names);
    if (tooLong.length > 0) {
      throw new StageNotFoundError(
        `Stage \`${stage}\` cannot be looked up: AWS allows load balancer and target group names of at most 32 characters, ` +
          `and ${tooLong.join(', ')} would be longer. ${FIX}`,
      );
    }
    const region = await this.region();
    const from = (key: keyof StageNames) =>
      override?.[key] !== undefined ? ` (from SWITCHOVER_STAGES_FILE ${key})` : '';

    // The load balancer and the target groups are looked up by name at the same time (a round trip saved on
    // every first status of a stage); a missing load balancer is still the error reported first.
    const [loadBalancerR, groupsR] = await Promise.allSettled([
      this.findLoadBalancer(stage, names, region, from('loadBalancerName')),
      this.findTargetGroups(stage, names, region, from),
    ]);
    if (loadBalancerR.status === 'rejected') throw loadBalancerR.reason;
    if (groupsR.status === 'rejected') throw groupsR.reason;
    const loadBalancer = loadBalancerR.value;
    const { source, target } = groupsR.value;
    const listener = await this.findSwitchoverListener(stage, names, loadBalancer, source, target);
    this.knownListeners.set(stage, listener.ListenerArn!);

    return {
      stage,
      loadBalancer: {
        arn: loadBalancer.LoadBalancerArn!,
        name: loadBalancer.LoadBalancerName!,
        dimension: loadBalancerDimension(loadBalancer.LoadBalancerArn!),
      },
      switchoverListener: { arn: listener.ListenerArn!, port: listener.Port! },
      sourceProxyTargetGroup: source,
      targetProxyTargetGroup: target,
      ecsCluster: names.ecsCluster,
      captureProxyService: names.captureProxyService,
      targetProxyService: names.targetProxyService,
    };
  }

  private async findLoadBalancer(stage: string, names: StageNames, region: string, from: string): Promise<LoadBalancer> {
    const notFound = () =>
      new StageNotFoundError(`Stage \`${stage}\` not found: no load balancer named \`${names.loadBalancerName}\`${from} in ${region}. ${FIX}`);
    try {
      // By name: one page (AWS pages listings; a lookup by name answers at most as many as it names).
      const out = await awsCall('elasticloadbalancing:DescribeLoadBalancers', names.loadBalancerName, () =>
        this.clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: [names.loadBalancerName] })),
      );
      const lb = out.LoadBalancers?.find((l) => l.LoadBalancerName === names.loadBalancerName);
      if (!lb?.LoadBalancerArn) throw notFound();
      if (lb.Type && lb.Type !== 'application') {
        throw new StageNotFoundError(
          `Stage \`${stage}\`: \`${names.loadBalancerName}\` is a ${lb.Type} load balancer, not an application load balancer with a weighted listener. ${FIX}`,
        );
      }
      return lb;
    } catch (error) {
      if (isNotFound(error, 'LoadBalancerNotFoundException')) throw notFound();
      throw error;
    }
  }

  private async findTargetGroups(
    stage: string,
    names: StageNames,
    region: string,
    from: (key: keyof StageNames) => string,
  ): Promise<{ source: TargetGroupRef; target: TargetGroupRef }> {
    const wanted = [names.sourceTargetGroupName, names.targetTargetGroupName];
    let found: TargetGroup[];
    try {
      // By name, so one page, as for the load balancer.
      const out = await awsCall('elasticloadbalancing:DescribeTargetGroups', wanted.join(', '), () =>
        this.clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: wanted })),
      );
      found = out.TargetGroups ?? [];
    } catch (error) {
      if (!isNotFound(error, 'TargetGroupNotFoundException')) throw error;
      // AWS only says "one or more" were not found: ask for each, so the message names the missing one.
      found = [];
      for (const name of wanted) {
        try {
          const out = await awsCall('elasticloadbalancing:DescribeTargetGroups', name, () =>
            this.clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] })),
          );
          found.push(...(out.TargetGroups ?? []));
        } catch (inner) {
          if (!isNotFound(inner, 'TargetGroupNotFoundException')) throw inner;
        }
      }
    }
    const ref = (name: string, role: string, key: keyof StageNames): TargetGroupRef => {
      const tg = found.find((g) => g.TargetGroupName === name);
      if (!tg?.TargetGroupArn) {
        throw new StageNotFoundError(
          `Stage \`${stage}\` is incomplete: no ${role} named \`${name}\`${from(key)} in ${region}. ` +
            `Check the stack, or map ${key} in SWITCHOVER_STAGES_FILE.`,
        );
      }
      return { arn: tg.TargetGroupArn, name, dimension: targetGroupDimension(tg.TargetGroupArn) };
    };
    return {
      source: ref(names.sourceTargetGroupName, 'source proxy target group', 'sourceTargetGroupName'),
      target: ref(names.targetTargetGroupName, 'target proxy target group', 'targetTargetGroupName'),
    };
  }

  private async findSwitchoverListener(
    stage: string,
    names: StageNames,
    loadBalancer: LoadBalancer,
    source: TargetGroupRef,
    target: TargetGroupRef,
  ): Promise<Listener> {
    const listeners: Listener[] = [];
    await awsCall('elasticloadbalancing:DescribeListeners', loadBalancer.LoadBalancerArn!, async () => {
      for await (const page of paginateDescribeListeners({ client: this.clients.elbv2 }, { LoadBalancerArn: loadBalancer.LoadBalancerArn })) {
        listeners.push(...(page.Listeners ?? []));
      }
    });

    // Found by its forward naming a proxy group, in any shape the console leaves it: the weighted forward to
    // both groups first (lowest port), else the only listener forwarding to one of them, else the one known.
    const proxyForward = (l: Listener) => findProxyForward(l.DefaultActions, source.arn, target.arn);
    const candidates = (names.listenerPort !== undefined ? listeners.filter((l) => l.Port === names.listenerPort) : listeners).filter(
      (l) => l.ListenerArn && l.Port !== undefined && proxyForward(l),
    );
    const both = candidates.filter((l) => namesBothProxies(proxyForward(l)!, source.arn, target.arn)).sort((a, b) => a.Port! - b.Port!);
    const known = candidates.find((l) => l.ListenerArn === this.knownListeners.get(stage));
    const found = both[0] ?? (candidates.length === 1 ? candidates[0] : known);
    if (found) return found;

    const routing = listeners.map((l) => describeListenerRouting(l, targetGroupNameOf)).join('; ') || 'none';
    const lbName = loadBalancer.LoadBalancerName ?? names.loadBalancerName;
    if (candidates.length > 1) {
      throw new StageNotFoundError(
        `Stage \`${stage}\`: several listeners of \`${lbName}\` forward to one proxy group only (${candidates
          .map((l) => describeListenerRouting(l, targetGroupNameOf))
          .join('; ')}), so the switchover listener cannot be told apart (the console's manual fallback leaves it so). ` +
          'Set listenerPort in SWITCHOVER_STAGES_FILE to its port.',
      );
    }
    const where =
      names.listenerPort !== undefined
        ? !listeners.some((l) => l.Port === names.listenerPort)
          ? `load balancer \`${lbName}\` has no listener on port ${names.listenerPort} (from SWITCHOVER_STAGES_FILE listenerPort)`
          : `the listener on port ${names.listenerPort} of \`${lbName}\` (from SWITCHOVER_STAGES_FILE listenerPort) forwards to neither \`${source.name}\` nor \`${target.name}\``
        : `no listener of load balancer \`${lbName}\` forwards to \`${source.name}\` or \`${target.name}\``;
    throw new StageNotFoundError(
      `Stage \`${stage}\` has no switchover listener: ${where} (listeners: ${routing}). ` +
        'Check the stack, or set listenerPort in SWITCHOVER_STAGES_FILE.',
    );
  }
}
