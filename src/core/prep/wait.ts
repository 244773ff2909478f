// Step 4: waiting for the target proxy's tasks to run and its targets to be healthy.
import { MINUTE_MS, type StageResources } from '../types';
import { waitForTargetProxy } from '../wait-for-target-proxy';
import { StepFailure, type PrepContext } from './step';

/** Returns whether the wait timed out. */
export async function awaitTargetProxy(ctx: PrepContext, resources: StageResources, desired: number): Promise<boolean> {
  if (desired === 0) {
    await ctx.update('wait', 'skipped', 'the target proxy desires 0 tasks: nothing to wait for');
    ctx.reasons.push(
      'The target proxy has 0 desired tasks because the capture proxy has 0 too; scale the capture proxy first, then run prep again.',
    );
    return false;
  }
  const timeoutMs = ctx.settings.timeoutMinutes * MINUTE_MS;
  await ctx.update('wait', 'running', `waiting up to ${ctx.settings.timeoutMinutes} min for ${desired} healthy tasks`);
  const result = await waitForTargetProxy(ctx.deps, resources, {
    timeoutMs,
    pollMs: (ctx.settings.pollSeconds ?? 10) * 1000,
    onPoll: (readiness) => ctx.update('wait', 'running', readiness.detail),
  });
  if (result.outcome === 'ready') {
    await ctx.update('wait', 'done', result.detail);
    return false;
  }
  if (result.outcome === 'error') {
    throw new StepFailure(`Could not read the target proxy's service or target health: ${result.error}`);
  }
  ctx.reasons.push(
    `The target proxy was not ready after ${ctx.settings.timeoutMinutes} minutes: ${result.detail}` +
      (result.lastError ? ` (last reading failed: ${result.lastError})` : '') +
      '.',
  );
  // Which targets are not healthy, and why, is listed by the health step from a fresh reading.
  await ctx.update('wait', 'failed', `timed out after ${ctx.settings.timeoutMinutes} min: ${result.detail}`);
  return true;
}
