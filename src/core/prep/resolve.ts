// Step 1: the stage's load balancer, switchover listener, target groups and ECS services.
import type { StageResources } from '../types';
import { orFail, type PrepContext } from './step';

/** Fails the run when the stage cannot be found. */
export async function resolveStage(ctx: PrepContext): Promise<StageResources> {
  await ctx.update('resolve', 'running', `looking up stage ${ctx.input.stage}`);
  const resources = await orFail(ctx.deps.resolver.resolve(ctx.input.stage), (why) => why);
  await ctx.update(
    'resolve',
    'done',
    `${resources.loadBalancer.name}, switchover listener on port ${resources.switchoverListener.port}, cluster ${resources.ecsCluster}`,
  );
  return resources;
}
