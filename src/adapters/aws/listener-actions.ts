// Reading and rewriting the switchover listener's default actions. The weighted forward is found by the
// target groups it forwards to (not by port, not by position), and rewritten with only the weights changed.
import type { Action, Listener } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Weights } from '../../core/types';

/** The default action that forwards to both proxy target groups, or undefined. */
export function findWeightedForward(actions: readonly Action[] | undefined, sourceArn: string, targetArn: string): Action | undefined {
  return (actions ?? []).find((action) => {
    if (action.Type !== 'forward') return false;
    const arns = (action.ForwardConfig?.TargetGroups ?? []).map((tg) => tg.TargetGroupArn);
    return arns.includes(sourceArn) && arns.includes(targetArn);
  });
}

/** Weights of the two proxy groups in a weighted forward (a missing weight is AWS's default, 1). */
export function weightsOf(action: Action, sourceArn: string, targetArn: string): Weights {
  const groups = action.ForwardConfig?.TargetGroups ?? [];
  const weight = (arn: string) => groups.find((tg) => tg.TargetGroupArn === arn)?.Weight ?? 1;
  return { source: weight(sourceArn), target: weight(targetArn) };
}

/**
 * The default actions as read, with only the two proxy weights replaced. Everything else (order,
 * stickiness, other target groups, authentication actions) is written back as it was.
 */
export function withWeights(actions: readonly Action[], sourceArn: string, targetArn: string, weights: Weights): Action[] {
  const forward = findWeightedForward(actions, sourceArn, targetArn);
  if (!forward) {
    throw new Error('the default action read from the switchover listener no longer forwards to both proxy target groups');
  }
  return actions.map((action) => {
    const copy: Action = structuredClone(action);
    // Describe never returns OIDC client secrets; writing the action back must say "keep the existing one".
    if (copy.AuthenticateOidcConfig && copy.AuthenticateOidcConfig.ClientSecret === undefined) {
      copy.AuthenticateOidcConfig.UseExistingClientSecret = true;
    }
    if (action !== forward) return copy;
    const groups = copy.ForwardConfig?.TargetGroups ?? [];
    for (const tg of groups) {
      if (tg.TargetGroupArn === sourceArn) tg.Weight = weights.source;
      if (tg.TargetGroupArn === targetArn) tg.Weight = weights.target;
    }
    // AWS returns TargetGroupArn alongside ForwardConfig only for a single group; sending both with
    // several groups is rejected, so the forward is written through ForwardConfig alone.
    if (groups.length > 1) delete copy.TargetGroupArn;
    return copy;
  });
}

/** "443 → ALBSourceProxy-dev-TG", for messages listing what a load balancer's listeners do. */
export function describeListenerRouting(listener: Listener, nameOfArn: (arn: string) => string): string {
  const targets = (listener.DefaultActions ?? []).flatMap((action) => {
    if (action.Type !== 'forward') return [action.Type ?? 'unknown'];
    const groups = action.ForwardConfig?.TargetGroups?.map((tg) => tg.TargetGroupArn ?? '') ??
      (action.TargetGroupArn ? [action.TargetGroupArn] : []);
    return groups.map(nameOfArn);
  });
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
