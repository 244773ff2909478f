// The switchover listener and target health over ELBv2. Each method is one AWS call (one page of rules: a
// listener holds at most 100 by default, a page 400), so status costs the same whatever the number of targets.
import {
  type Action,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  paginateDescribeRules,
  type Rule,
  type RuleCondition,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancerPort } from '../../core/ports';
import type {
  ForwardGroup,
  ListenerRule,
  ListenerState,
  StageResources,
  TargetGroupHealth,
  TargetGroupRef,
  TargetHealthEntry,
  TargetState,
  Weights,
} from '../../core/types';
import { AwsCallError, awsCall } from './errors';
import { findProxyForward, forwardTargets, namesBothProxies, targetGroupNameOf, weightsOf, withWeights } from './listener-actions';

const TARGET_STATES = new Set<TargetState>(['initial', 'healthy', 'unhealthy', 'unused', 'draining', 'unavailable', 'unhealthy.draining']);

/** ALB weights are whole numbers from 0 to 999. */
function checkWeights(weights: Weights): void {
  for (const side of ['source', 'target'] as const) {
    const w = weights[side];
    if (!Number.isInteger(w) || w < 0 || w > 999) {
      throw new RangeError(`${side} weight ${w} is not allowed: ALB weights are whole numbers from 0 to 999`);
    }
  }
}

export class AwsLoadBalancer implements LoadBalancerPort {
  constructor(private readonly elbv2: ElasticLoadBalancingV2Client) {}

  /**
   * One DescribeRules of the switchover listener: its default rule holds the default actions (the same as
   * DescribeListeners' DefaultActions), and its other rules, which bypass the default weights, come with it.
   */
  async readListener(resources: StageResources): Promise<ListenerState> {
    const arn = resources.switchoverListener.arn;
    const port = resources.switchoverListener.port;
    let rules: Rule[];
    try {
      rules = await awsCall('elasticloadbalancing:DescribeRules', arn, async () => {
        const found: Rule[] = [];
        for await (const page of paginateDescribeRules({ client: this.elbv2 }, { ListenerArn: arn, PageSize: 400 })) {
          found.push(...(page.Rules ?? []));
        }
        return found;
      });
    } catch (error) {
      if (error instanceof AwsCallError && /ListenerNotFound/.test(error.code)) {
        throw new AwsCallError(
          'ListenerNotFound',
          `the switchover listener of stage \`${resources.stage}\` (port ${port}) no longer exists; the stack may have been redeployed. Run the command again: the bot looks the stage up afresh.`,
        );
      }
      throw error;
    }
    const actions = rules.find((r) => r.IsDefault)?.Actions ?? [];
    const source = resources.sourceProxyTargetGroup;
    const target = resources.targetProxyTargetGroup;
    const forward = findProxyForward(actions, source.arn, target.arn);
    if (!forward) {
      throw new AwsCallError(
        'NoProxyForward',
        `the default rule of the switchover listener (port ${port}) of stage \`${resources.stage}\` forwards to neither ` +
          `${source.name} nor ${target.name}. Someone changed it outside the bot: check it in the console before going on.`,
      );
    }
    const nameOf = (groupArn: string) =>
      groupArn === source.arn ? source.name : groupArn === target.arn ? target.name : targetGroupNameOf(groupArn);
    const groups: ForwardGroup[] = forwardTargets(forward).map((g) => ({
      arn: g.arn,
      name: nameOf(g.arn),
      role: g.arn === source.arn ? 'source' : g.arn === target.arn ? 'target' : 'other',
      weight: g.weight,
    }));
    const stickiness = forward.ForwardConfig?.TargetGroupStickinessConfig;
    return {
      weights: weightsOf(forward, source.arn, target.arn),
      groups,
      weightedToBoth: namesBothProxies(forward, source.arn, target.arn),
      stickiness: {
        enabled: stickiness?.Enabled === true,
        ...(stickiness?.Enabled && stickiness.DurationSeconds !== undefined ? { durationSeconds: stickiness.DurationSeconds } : {}),
      },
      rules: rules
        .filter((r) => !r.IsDefault)
        .sort((a, b) => Number(a.Priority) - Number(b.Priority))
        .map((r) => ({ priority: r.Priority ?? '?', conditions: describeConditions(r.Conditions), action: describeRuleAction(r.Actions, nameOf) })),
      defaultAction: structuredClone(actions),
    };
  }

  async setWeights(resources: StageResources, current: ListenerState, weights: Weights): Promise<void> {
    checkWeights(weights);
    if (!Array.isArray(current.defaultAction)) {
      throw new TypeError('setWeights needs the ListenerState returned by readListener of this adapter');
    }
    const actions = withWeights(
      current.defaultAction as Action[],
      resources.sourceProxyTargetGroup.arn,
      resources.targetProxyTargetGroup.arn,
      weights,
    );
    const arn = resources.switchoverListener.arn;
    await awsCall('elasticloadbalancing:ModifyListener', arn, () =>
      this.elbv2.send(new ModifyListenerCommand({ ListenerArn: arn, DefaultActions: actions })),
    );
  }

  async targetHealth(group: TargetGroupRef): Promise<TargetGroupHealth> {
    // One call returns every registered target (DescribeTargetHealth is not paginated).
    const out = await awsCall('elasticloadbalancing:DescribeTargetHealth', group.arn, () =>
      this.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.arn })),
    );
    const targets: TargetHealthEntry[] = (out.TargetHealthDescriptions ?? []).map((d) => {
      const raw = d.TargetHealth?.State ?? 'unavailable';
      const state = TARGET_STATES.has(raw as TargetState) ? (raw as TargetState) : 'unavailable';
      return {
        id: d.Target?.Id ?? 'unknown',
        ...(d.Target?.Port !== undefined ? { port: d.Target.Port } : {}),
        state,
        ...(d.TargetHealth?.Reason ? { reason: d.TargetHealth.Reason } : {}),
        ...(d.TargetHealth?.Description ? { description: d.TargetHealth.Description } : {}),
      };
    });
    return { targetGroup: group, targets };
  }
}

/** A rule's conditions in words, e.g. "path /_bulk* and host search.example.com". */
function describeConditions(conditions: readonly RuleCondition[] | undefined): string {
  const parts = (conditions ?? []).map((c) => {
    switch (c.Field) {
      case 'path-pattern':
        return `path ${(c.PathPatternConfig?.Values ?? c.Values ?? []).join(' or ')}`;
      case 'host-header':
        return `host ${(c.HostHeaderConfig?.Values ?? c.Values ?? []).join(' or ')}`;
      case 'http-header':
        return `header ${c.HttpHeaderConfig?.HttpHeaderName ?? '?'} ${(c.HttpHeaderConfig?.Values ?? []).join(' or ')}`;
      case 'http-request-method':
        return `method ${(c.HttpRequestMethodConfig?.Values ?? []).join(' or ')}`;
      case 'query-string':
        return `query ${(c.QueryStringConfig?.Values ?? []).map((kv) => (kv.Key ? `${kv.Key}=${kv.Value ?? ''}` : (kv.Value ?? ''))).join(' or ')}`;
      case 'source-ip':
        return `source IP ${(c.SourceIpConfig?.Values ?? []).join(' or ')}`;
      default:
        return c.Field ?? 'a condition';
    }
  });
  return parts.join(' and ') || 'no conditions';
}

/** What a rule does with the requests it matches, e.g. "forward to ALBSourceProxy-dev-TG", "redirect". */
function describeRuleAction(actions: readonly Action[] | undefined, nameOf: (arn: string) => string): string {
  // The last action is the one that answers (authentication actions come first).
  const last = [...(actions ?? [])].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0)).at(-1);
  if (!last) return 'no action';
  if (last.Type !== 'forward') return last.Type ?? 'unknown action';
  const groups = forwardTargets(last);
  const total = groups.reduce((s, g) => s + g.weight, 0);
  const share = (w: number) => (groups.length > 1 && total > 0 ? ` ${Math.round((w / total) * 1000) / 10}%` : '');
  return `forward to ${groups.map((g) => `${nameOf(g.arn)}${share(g.weight)}`).join(', ')}`;
}
