// Step 5 (runbook step 7): both target groups and the switchover listener: all expected targets healthy, none
// draining; what else an operator should know (stickiness, traffic already on the target).
import { allHealthy, describeHealth, summarizeHealth, type HealthSummary } from '../health';
import type { ListenerState, ProxyServices, StageResources } from '../types';
import { notReadyReasons } from '../wait-for-target-proxy';
import { describeWeights, targetPercent } from '../weights';
import { orFail, type PrepContext } from './step';

export interface HealthCheck {
  source: HealthSummary;
  target: HealthSummary;
  listener: ListenerState;
  services: ProxyServices;
}

/** Both groups' health, the listener and the ECS services as they are now (the summary shows them). */
export async function checkHealth(ctx: PrepContext, resources: StageResources): Promise<HealthCheck> {
  await ctx.update('health', 'running', 'reading both target groups and the switchover listener');
  const reads = Promise.all([
    ctx.deps.loadBalancer.targetHealth(resources.sourceProxyTargetGroup),
    ctx.deps.loadBalancer.targetHealth(resources.targetProxyTargetGroup),
    ctx.deps.loadBalancer.readListener(resources),
    ctx.deps.ecs.describeProxies(resources),
  ]);
  const [sourceHealth, targetHealth, listener, services] = await orFail(reads, (why) => `Could not read target health or the switchover listener: ${why}`);
  const source = summarizeHealth(sourceHealth);
  const target = summarizeHealth(targetHealth);
  const targetProxy = services.targetProxy;

  // Runbook step 7: all expected targets healthy, none draining.
  for (const reason of notReadyReasons({ service: targetProxy, health: targetHealth, summary: target })) {
    if (!ctx.reasons.includes(reason)) ctx.reasons.push(reason);
  }
  if (target.draining > 0) {
    ctx.reasons.push(
      `${target.draining} target${target.draining === 1 ? ' is' : 's are'} draining in ${resources.targetProxyTargetGroup.name}; the runbook requires none draining (deregistration takes up to the group's delay, 300 s by default).`,
    );
  }
  if (!allHealthy(source)) {
    const problems = source.problems.slice(0, 5).join('; ');
    ctx.warnings.push(
      `Source proxy group ${resources.sourceProxyTargetGroup.name}: ${describeHealth(source)}${problems ? ` (${problems}${source.problems.length > 5 ? '; ...' : ''})` : ''}.`,
    );
  }
  if (listener.stickiness.enabled) {
    ctx.warnings.push(
      `Stickiness is on for the switchover listener${listener.stickiness.durationSeconds ? ` (${listener.stickiness.durationSeconds} s)` : ''}: it pins clients to the group they were sent to, so a shift moves only new clients.`,
    );
  }
  if (targetPercent(listener.weights) > 0) {
    ctx.warnings.push(`The switchover listener already sends traffic to the target proxy: ${describeWeights(listener.weights)}.`);
  }
  await ctx.update(
    'health',
    'done',
    `source proxy group ${describeHealth(source)}; target proxy group ${describeHealth(target)}; weights ${describeWeights(listener.weights)}`,
  );
  return { source, target, listener, services };
}
