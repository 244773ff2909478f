// Step 3: the target proxy scaled up to the capture proxy's desired count, never down; journaled before the
// call, so the audit trail has the change even if the bot dies mid-call.
import { formatTime } from '../format';
import type { ProxyServices, StageResources } from '../types';
import { orFail, type PrepContext } from './step';

/** The target proxy's desired count after this step, and the change when this run made one. */
export async function scaleTargetProxy(
  ctx: PrepContext,
  resources: StageResources,
  services: ProxyServices,
): Promise<{ desired: number; scaled?: { from: number; to: number } }> {
  const from = services.targetProxy.desired;
  const wanted = services.captureProxy.desired;
  if (from >= wanted) {
    await ctx.update('scale', 'running');
    await ctx.update('scale', 'done', `target proxy already desires ${from} task${from === 1 ? '' : 's'}, at least the capture proxy's ${wanted}: no change`);
    await warnIfScaledEarlier(ctx, from);
    return { desired: from };
  }
  await ctx.update('scale', 'running', `scaling ${resources.targetProxyService} from ${from} to ${wanted} tasks`);
  // Recorded before the call, so the audit trail has the change even if the bot dies mid-call.
  const scaled = { type: 'prep.scaled' as const, ...ctx.record(), service: resources.targetProxyService, fromDesired: from, toDesired: wanted };
  await orFail(ctx.deps.journal.append(scaled), (why) => `Could not record the scaling in the audit journal, so nothing was scaled: ${why}`);
  await orFail(
    ctx.deps.ecs.setTargetProxyDesiredCount(resources, wanted),
    (why) => `Could not scale ${resources.targetProxyService} from ${from} to ${wanted} tasks: ${why.replace(/\.+$/, '')}. Nothing else was changed; fix the cause and run prep again.`,
  );
  ctx.warnings.push(`Prep scaled the target proxy from ${from} to ${wanted} tasks. ${cdkDeployRisk(wanted)}`);
  await ctx.update('scale', 'done', `scaled ${resources.targetProxyService} from ${from} to ${wanted} tasks`);
  return { desired: wanted, scaled: { from, to: wanted } };
}

function cdkDeployRisk(desired: number): string {
  return `A later \`cdk deploy\` can reset it to the CDK context's \`targetClusterProxyDesiredCount\`; set that to ${desired} before deploying again.`;
}

/** On a re-run the cdk deploy risk is still there: say so when an earlier prep did the scaling. */
async function warnIfScaledEarlier(ctx: PrepContext, desired: number): Promise<void> {
  try {
    const records = await ctx.deps.journal.readAll();
    const earlier = records
      .filter((r) => r.type === 'prep.scaled' && r.stage === ctx.input.stage)
      .pop();
    if (earlier?.type === 'prep.scaled' && earlier.toDesired === desired) {
      ctx.warnings.push(`An earlier prep (${formatTime(Date.parse(earlier.at))}) scaled the target proxy to ${desired} tasks. ${cdkDeployRisk(desired)}`);
    }
  } catch {
    // The journal is only consulted for a warning here; prep does not depend on it.
  }
}
