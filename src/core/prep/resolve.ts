// Step 1: the stage's load balancer, switchover listener, target groups and ECS services.
import { plainMessage } from '../format';
import type { StageResources } from '../types';
import { StepFailure, type PrepContext } from './step';

/** Fails the run when the stage cannot be found. */
export async function resolveStage(ctx: PrepContext): Promise<StageResources> {
  await ctx.update('resolve', 'running', `looking up stage ${ctx.input.stage}`);
  let resources: StageResources;
  try {
    resources = await ctx.deps.resolver.resolve(ctx.input.stage);
  } catch (error) {
    throw new StepFailure(plainMessage(error));
  }
  await ctx.update(
    'resolve',
    'done',
    `${resources.loadBalancer.name}, switchover listener on port ${resources.switchoverListener.port}, cluster ${resources.ecsCluster}`,
  );
  return resources;
}
