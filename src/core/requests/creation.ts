// Creating a request: one per stage at a time, from the listener as it is now, with a preview of what the change
// does (health of both groups, the proxies' task counts, stickiness) for the request message.
import { allHealthy, describeHealth, summarizeHealth, type HealthSummary } from '../health';
import { errorMessage } from '../format';
import type { RequestCreated, RequestKind } from '../journal';
import { describeListener, otherGroupRefusal, ruleWarnings } from '../listener';
import type { ListenerState, StageResources, Weights } from '../types';
import { describeWeights, FALLBACK_WEIGHTS, sameWeights, targetPercent, weightsForPercent } from '../weights';
import { boundedAws } from './apply';
import type { RequestsContext } from './context';
import { describeRequest, describeStatus } from './describe';
import { refused, type CreateOutcome } from './outcomes';
import type { Preview } from './preview';
import { newRequestId } from './request-id';
import type { PlanSpec } from '../plan/plan';
import { describePlanShort } from '../plan/words';

export interface RequestInput {
  stage: string;
  requester: string;
  channel: string;
}

/** How many unhealthy targets a refusal names. */
const NAMED_PROBLEMS = 3;

/** Creates the request (call under the stage's lock, after expiring what is due). */
export async function createRequest(
  ctx: RequestsContext,
  resources: StageResources,
  kind: RequestKind,
  input: RequestInput,
  percent: number,
  plan?: PlanSpec,
): Promise<CreateOutcome> {
  const open = ctx.book.inProgress(input.stage);
  if (open) {
    return {
      ...refused(
        `${input.stage} already has an open request: ${describeRequest(open)}, ${describeStatus(open)}. ` +
          `Approve, reject or cancel it (\`/switchover cancel ${input.stage}\`) first.`,
      ),
      openRequest: open,
    };
  }
  // A fallback works at any moment; a shift or another plan would fight the running plan for the weights.
  const running = ctx.plans.active(input.stage);
  if (running && (kind === 'shift' || kind === 'plan')) {
    return refused(
      `${input.stage} has a running plan (${describePlanShort(running)}). \`/switchover cancel ${input.stage}\` ends it (the weights stay), ` +
        `\`/switchover fallback ${input.stage}\` asks for all traffic back to the source proxy.`,
    );
  }
  let listener: ListenerState;
  try {
    // Under the stage's lock: a read that never answers must not hold the stage.
    listener = await boundedAws(ctx, ctx.deps.loadBalancer.readListener(resources));
  } catch (error) {
    return refused(`Could not read the switchover listener of ${input.stage}: ${errorMessage(error)}. Nothing was requested.`);
  }
  const current = listener.weights;
  const proposed = kind === 'shift' || kind === 'plan' ? weightsForPercent(percent) : kind === 'fallback' ? { ...FALLBACK_WEIGHTS } : { ...current };
  if (kind !== 'forceReconnect') {
    const refusal = otherGroupRefusal(listener, input.stage);
    if (refusal) return refused(`${refusal} Nothing was requested.`);
    if (plan) {
      const refusal = planBelowRefusal(input.stage, plan, current);
      if (refusal) return refused(`${refusal} Nothing was requested.`);
    }
    // A forward left by the console (one group) is rewritten as the weighted forward even at the same share.
    if (listener.weightedToBoth && sameShare(current, proposed)) {
      return refused(`The switchover listener of ${input.stage} already has ${describeWeights(current)}; there is nothing to change.`);
    }
  }
  const now = ctx.deps.clock.now();
  const expiresAt = now + ctx.settings.ttlMinutes * 60_000;
  const preview = await readPreview(ctx, resources, listener, proposed);
  if ((kind === 'shift' || kind === 'plan') && percent > 0) {
    const refusal = noHealthyTargetRefusal(preview, input.stage);
    if (refusal) return refused(`${refusal} Nothing was requested.`);
  }
  const record: RequestCreated = {
    type: 'request.created',
    at: new Date(now).toISOString(),
    stage: input.stage,
    requestId: (ctx.settings.newId ?? newRequestId)(),
    kind,
    requester: input.requester,
    channel: input.channel,
    from: { ...current },
    to: proposed,
    percent,
    expiresAt: new Date(expiresAt).toISOString(),
    ...(plan ? { plan: { steps: [...plan.steps], bakeMinutes: plan.bakeMinutes } } : {}),
  };
  try {
    await ctx.append(record);
  } catch (error) {
    return refused(`The request could not be recorded (${errorMessage(error)}). Nothing was requested; try again.`);
  }
  return { outcome: 'created', request: ctx.request(record.requestId), preview };
}

/**
 * Health of both groups and the proxies' task counts, read in parallel and each allowed to fail or time out:
 * fallback must go out when only the listener can be read. A shift's own health requirement is checked after.
 */
async function readPreview(ctx: RequestsContext, resources: StageResources, listener: ListenerState, proposed: Weights): Promise<Preview> {
  // Bounds a read the preview can do without, so a hanging API never holds up a fallback.
  const optional = <T>(work: Promise<T>) => ctx.deadline(work, ctx.settings.optionalReadTimeoutMs ?? 10_000);
  const [source, target, proxies] = await Promise.allSettled([
    optional(ctx.deps.loadBalancer.targetHealth(resources.sourceProxyTargetGroup)),
    optional(ctx.deps.loadBalancer.targetHealth(resources.targetProxyTargetGroup)),
    optional(ctx.deps.ecs.describeProxies(resources)),
  ]);
  const notes: string[] = [];
  const health = (result: PromiseSettledResult<Parameters<typeof summarizeHealth>[0]>, group: string): HealthSummary | null => {
    if (result.status === 'fulfilled') return summarizeHealth(result.value);
    notes.push(`Health of ${group} is unknown: ${errorMessage(result.reason)}.`);
    return null;
  };
  const sourceHealth = health(source, resources.sourceProxyTargetGroup.name);
  const targetHealth = health(target, resources.targetProxyTargetGroup.name);
  if (proxies.status === 'rejected') notes.push(`ECS task counts are unknown: ${errorMessage(proxies.reason)}.`);
  if (listener.stickiness.enabled) {
    notes.push(`Stickiness is on (${listener.stickiness.durationSeconds ?? '?'} s): clients stay on their group until it lapses.`);
  }
  notes.push(...ruleWarnings(listener));
  if (proposed.source > 0 && sourceHealth && sourceHealth.healthy === 0) {
    notes.push(`The source proxy group ${resources.sourceProxyTargetGroup.name} has no healthy target (${describeHealth(sourceHealth)}).`);
  }
  if (targetHealth && proposed.target > 0 && targetHealth.healthy > 0 && !allHealthy(targetHealth)) {
    notes.push(`Not every target proxy target is healthy: ${describeHealth(targetHealth)}.`);
  }
  return {
    currentText: describeListener(listener),
    sourceGroup: resources.sourceProxyTargetGroup.name,
    targetGroup: resources.targetProxyTargetGroup.name,
    sourceHealth,
    targetHealth,
    captureProxy: proxies.status === 'fulfilled' ? proxies.value.captureProxy : null,
    targetProxy: proxies.status === 'fulfilled' ? proxies.value.targetProxy : null,
    notes,
  };
}

/**
 * A plan only moves traffic towards the target proxy: a first step at or below today's share would move traffic
 * back (30 % now, plan 1,5,25: first down to 1 %) or change nothing. The steps above today's share are offered.
 */
function planBelowRefusal(stage: string, plan: PlanSpec, current: Weights): string | undefined {
  const now = targetPercent(current);
  if (plan.steps[0]! > now) return undefined;
  const above = plan.steps.filter((p) => p > now);
  const instead =
    above.length > 0
      ? `Plan from there instead, e.g. \`/switchover plan ${stage} ${above.join(',')} every ${plan.bakeMinutes}m\`.`
      : `There is no step above it; \`/switchover shift ${stage} &lt;percent&gt;\` or \`/switchover fallback ${stage}\` moves traffic back.`;
  return (
    `The switchover listener of ${stage} already sends ${now}% of new traffic to the target proxy (${describeWeights(current)}), ` +
    `and a plan's steps must all be above that: its first step (${plan.steps[0]}%) would ${plan.steps[0] === now ? 'change nothing' : 'move traffic back to the source proxy'}. ${instead}`
  );
}

/** Same share of new traffic (e.g. 1/0 and 100/0 both send everything to the source proxy). */
function sameShare(a: Weights, b: Weights): boolean {
  if (sameWeights(a, b)) return true;
  const aTotal = a.source + a.target;
  const bTotal = b.source + b.target;
  return aTotal > 0 && bTotal > 0 && a.source * b.target === a.target * b.source;
}

/** Why a shift to the target proxy must not be requested, if it must not. */
function noHealthyTargetRefusal(preview: Preview, stage: string): string | undefined {
  const health = preview.targetHealth;
  if (!health) {
    const why = preview.notes.find((n) => n.startsWith(`Health of ${preview.targetGroup}`)) ?? 'its health is unknown.';
    return `A shift needs a healthy target proxy, and ${lowerFirst(why)}`;
  }
  if (health.healthy > 0) return undefined;
  const problems = health.problems.slice(0, NAMED_PROBLEMS).join('; ');
  const more = health.problems.length > NAMED_PROBLEMS ? ` and ${health.problems.length - NAMED_PROBLEMS} more` : '';
  return (
    `The target proxy group ${preview.targetGroup} has no healthy target (${describeHealth(health)}${problems ? `: ${problems}${more}` : ''}). ` +
    `Run \`/switchover prep ${stage}\` or fix the target proxy first.`
  );
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
