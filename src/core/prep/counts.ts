// Step 2: the capture and target proxies' ECS counts, and what they say about readiness.
import type { ProxyServices, StageResources } from '../types';
import { orFail, type PrepContext } from './step';

export async function readCounts(ctx: PrepContext, resources: StageResources): Promise<ProxyServices> {
  await ctx.update('counts', 'running', `reading ${resources.captureProxyService} and ${resources.targetProxyService}`);
  const services = await orFail(ctx.deps.ecs.describeProxies(resources), (why) => `Could not read the ECS services in ${resources.ecsCluster}: ${why}`);
  const { captureProxy: capture, targetProxy: target } = services;
  if (capture.desired <= 1) {
    ctx.warnings.push(
      `The capture proxy's desired count is ${capture.desired}; the runbook expects more than 1 (one task carries all client traffic).`,
    );
  }
  if (capture.running < capture.desired) {
    ctx.warnings.push(`The capture proxy runs ${capture.running} of ${capture.desired} desired tasks.`);
  }
  if (target.status !== 'ACTIVE') {
    ctx.reasons.push(`The target proxy service ${resources.targetProxyService} is ${target.status}, not ACTIVE.`);
  }
  await ctx.update(
    'counts',
    'done',
    `capture proxy ${capture.desired} desired / ${capture.running} running; target proxy ${target.desired} desired / ${target.running} running`,
  );
  return services;
}
