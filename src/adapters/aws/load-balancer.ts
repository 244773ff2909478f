// The switchover listener and target health over ELBv2. Each method is exactly one AWS call, so status
// costs the same whatever the number of targets.
import {
  type Action,
  DescribeListenersCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LoadBalancerPort } from '../../core/ports';
import type {
  ListenerState,
  StageResources,
  TargetGroupHealth,
  TargetGroupRef,
  TargetHealthEntry,
  TargetState,
  Weights,
} from '../../core/types';
import { AwsCallError, awsCall } from './errors';
import { findWeightedForward, weightsOf, withWeights } from './listener-actions';

const TARGET_STATES = new Set<TargetState>(['initial', 'healthy', 'unhealthy', 'unused', 'draining', 'unavailable', 'unhealthy.draining']);

/** ALB weights are whole numbers from 0 to 999. */
export function checkWeights(weights: Weights): void {
  for (const side of ['source', 'target'] as const) {
    const w = weights[side];
    if (!Number.isInteger(w) || w < 0 || w > 999) {
      throw new RangeError(`${side} weight ${w} is not allowed: ALB weights are whole numbers from 0 to 999`);
    }
  }
}

export class AwsLoadBalancer implements LoadBalancerPort {
  constructor(private readonly elbv2: ElasticLoadBalancingV2Client) {}

  async readListener(resources: StageResources): Promise<ListenerState> {
    const arn = resources.switchoverListener.arn;
    const out = await awsCall('elasticloadbalancing:DescribeListeners', arn, () =>
      this.elbv2.send(new DescribeListenersCommand({ ListenerArns: [arn] })),
    );
    const listener = out.Listeners?.find((l) => l.ListenerArn === arn);
    if (!listener) {
      throw new AwsCallError(
        'elasticloadbalancing:DescribeListeners',
        'ListenerNotFound',
        `the switchover listener of stage \`${resources.stage}\` (${arn}) was not returned by AWS; the stack may have been redeployed. Run the command again: the bot looks the stage up afresh.`,
        false,
      );
    }
    const actions = listener.DefaultActions ?? [];
    const source = resources.sourceProxyTargetGroup.arn;
    const target = resources.targetProxyTargetGroup.arn;
    const forward = findWeightedForward(actions, source, target);
    if (!forward) {
      throw new AwsCallError(
        'elasticloadbalancing:DescribeListeners',
        'NotWeightedForward',
        `the default rule of the switchover listener (port ${listener.Port}) of stage \`${resources.stage}\` no longer ` +
          `forwards to both ${resources.sourceProxyTargetGroup.name} and ${resources.targetProxyTargetGroup.name}. ` +
          'Someone changed it outside the bot: check it in the console before going on.',
        false,
      );
    }
    const stickiness = forward.ForwardConfig?.TargetGroupStickinessConfig;
    return {
      weights: weightsOf(forward, source, target),
      stickiness: {
        enabled: stickiness?.Enabled === true,
        ...(stickiness?.Enabled && stickiness.DurationSeconds !== undefined ? { durationSeconds: stickiness.DurationSeconds } : {}),
      },
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
