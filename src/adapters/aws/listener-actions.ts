// Reading and rewriting the switchover listener's default actions. The forward is found by the target groups
// it names (either proxy group: the console's manual fallback leaves a forward to one of them), not by port
// or position, and rewritten as the weighted forward to both proxy groups with nothing else changed.
import type { Action, Listener, Rule, TargetGroupTuple } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Weights } from '../../core/types';

/** The SDK's shapes of a listener's actions and rules, for the simulated stack (which imports no SDK client). */
export type { Action, Rule };

/**
 * The groups a forward action sends to, with their weights. A group listed without a weight has AWS's
 * default (1); a plain `TargetGroupArn` forward (no ForwardConfig) sends everything to that one group.
 */
export function forwardTargets(action: Action): { arn: string; weight: number }[] {
  const groups = action.ForwardConfig?.TargetGroups ?? [];
  if (groups.length > 0) return groups.flatMap((g) => (g.TargetGroupArn ? [{ arn: g.TargetGroupArn, weight: g.Weight ?? 1 }] : []));
  return action.TargetGroupArn ? [{ arn: action.TargetGroupArn, weight: 1 }] : [];
}

/** The forward action naming either proxy group (in whatever shape the console left it), or undefined. */
export function findProxyForward(actions: readonly Action[] | undefined, sourceArn: string, targetArn: string): Action | undefined {
  return (actions ?? []).find(
    (action) => action.Type === 'forward' && forwardTargets(action).some((g) => g.arn === sourceArn || g.arn === targetArn),
  );
}

/** Whether the forward names both proxy groups (the shape the bot writes). */
export function namesBothProxies(action: Action, sourceArn: string, targetArn: string): boolean {
  const arns = forwardTargets(action).map((g) => g.arn);
  return arns.includes(sourceArn) && arns.includes(targetArn);
}

/** Weights of the two proxy groups in a forward; a proxy group the forward does not name has 0. */
export function weightsOf(action: Action, sourceArn: string, targetArn: string): Weights {
  const groups = forwardTargets(action);
  const weight = (arn: string) => groups.find((g) => g.arn === arn)?.weight ?? 0;
  return { source: weight(sourceArn), target: weight(targetArn) };
}

/**
 * The default actions as read, with the proxy forward written as the weighted forward to both proxy groups.
 * Everything else (order, stickiness, other target groups and their weights, authentication actions) is
 * written back as it was.
 */
export function withWeights(actions: readonly Action[], sourceArn: string, targetArn: string, weights: Weights): Action[] {
  const forward = findProxyForward(actions, sourceArn, targetArn);
  if (!forward) {
    throw new Error('the default action read from the switchover listener no longer forwards to either proxy target group');
  }
  return actions.map((action) => {
    const copy: Action = structuredClone(action);
    // Describe never returns OIDC client secrets; writing the action back must say "keep the existing one".
    if (copy.AuthenticateOidcConfig && copy.AuthenticateOidcConfig.ClientSecret === undefined) {
      copy.AuthenticateOidcConfig.UseExistingClientSecret = true;
    }
    if (action !== forward) return copy;
    const groups: TargetGroupTuple[] = forwardTargets(copy).map((g) => ({ TargetGroupArn: g.arn, Weight: g.weight }));
    for (const [arn, weight] of [
      [sourceArn, weights.source],
      [targetArn, weights.target],
    ] as const) {
      const group = groups.find((g) => g.TargetGroupArn === arn);
      if (group) group.Weight = weight;
      else groups.push({ TargetGroupArn: arn, Weight: weight });
    }
    copy.ForwardConfig = { ...copy.ForwardConfig, TargetGroups: groups };
    // AWS returns TargetGroupArn alongside ForwardConfig only for a single group; sending both with
    // several groups is rejected, so the forward is written through ForwardConfig alone.
    delete copy.TargetGroupArn;
    return copy;
  });
}

/** "443 → ALBSourceProxy-dev-TG", for messages listing what a load balancer's listeners do. */
export function describeListenerRouting(listener: Listener, nameOfArn: (arn: string) => string): string {
  const targets = (listener.DefaultActions ?? []).flatMap((action) =>
    action.Type === 'forward' ? forwardTargets(action).map((g) => nameOfArn(g.arn)) : [action.Type ?? 'unknown'],
  );
  return `${listener.Port ?? '?'} → ${targets.join(' + ') || 'nothing'}`;
}

/** `targetgroup/<name>/<id>` from a target group ARN (its CloudWatch dimension). */
export function targetGroupDimension(arn: string): string {
  const at = arn.indexOf(':targetgroup/');
  if (at < 0) throw new Error(`not a target group ARN: ${arn}`);
  return arn.slice(at + 1);
}

/** `app/<name>/<id>` from an application load balancer ARN (its CloudWatch dimension). */
export function loadBalancerDimension(arn: string): string {
  const at = arn.indexOf(':loadbalancer/');
  if (at < 0) throw new Error(`not a load balancer ARN: ${arn}`);
  return arn.slice(at + ':loadbalancer/'.length);
}

/** The target group name inside a target group ARN. */
export function targetGroupNameOf(arn: string): string {
  return targetGroupDimension(arn).split('/')[1] ?? arn;
}
