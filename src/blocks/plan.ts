// Block Kit for a gradual switchover plan: the preview on its request message (each step, its bake, the expected
// end, and in plain words that approving it approves the automatic fallback), and the plan message the request
// message becomes once approved (where the plan stands, Pause / Resume / Request fallback). Pure.
import type { types } from '@slack/bolt';
import { formatTime, hhmm, mention } from '../core/format';
import { isActive, MAX_HOLDS, type Plan, type PlanSpec } from '../core/plan/plan';
import { describePlanShort, endWords, expectedEndText } from '../core/plan/words';
import { MINUTE_MS } from '../core/types';
import { describeWeights } from '../core/weights';
import { clipText, context, escapeText, header, section, type Block, type SlackMessage } from './common';
import { REQUEST_FALLBACK_ACTION } from './watch';

export const PLAN_PAUSE_ACTION = 'switchover_plan_pause';
export const PLAN_RESUME_ACTION = 'switchover_plan_resume';
export const PLAN_ACTIONS_BLOCK = 'switchover_plan_actions';

/** The words every plan preview carries: what approving it approves, and how it is judged. */
export function planApprovalWords(spec: PlanSpec, stage: string): string {
  return (
    `*Approving this plan also approves an automatic fallback to the source proxy*: if a guardrail breaches at any ` +
    `moment of the plan, the bot sends all new traffic back to the source proxy by itself (one change of the listener), ` +
    `without asking again, and the plan ends. At the end of each ${spec.bakeMinutes}-minute bake the judge decides: ` +
    `healthy moves to the next step; inconclusive (never a pass) holds the step for another bake, at most ${MAX_HOLDS} times, ` +
    `then the plan pauses for an operator. At small shares, where most minutes carry fewer than 100 requests on the ` +
    `target proxy, p99 cannot be shown healthy: it is then only watched for a breach, and the step advances on ` +
    `healthy 5xx, connection errors and load-balancer 5xx; the thread says so each time. ` +
    `\`/switchover pause ${stage}\`, \`resume\` and \`cancel\` work at any moment.`
  );
}

/** The steps of the plan preview, with their bakes and when each would end if approved now. */
export function planPreviewBlocks(spec: PlanSpec, stage: string, now: number): Block[] {
  const lines = spec.steps.map(
    (percent, i) => `${i + 1}. ${percent}% of new traffic to the target proxy, baked ${spec.bakeMinutes} min (until about ${hhmm(now + (i + 1) * spec.bakeMinutes * MINUTE_MS)} UTC)`,
  );
  const total = spec.steps.length * spec.bakeMinutes;
  return [
    section(`*Steps* (each applied like a shift: re-read, one change, read back):\n${lines.join('\n')}`),
    section(
      `*Expected end:* ${total} min after approval (about ${formatTime(now + total * MINUTE_MS)} if approved now), if every bake is healthy.\n` +
        planApprovalWords(spec, stage),
    ),
  ];
}

const MARKS = { done: ':white_check_mark:', current: ':arrow_forward:', next: ':white_circle:' };

/** The plan message: the plan request's message once approved, updated in place as the plan goes. */
export function planMessage(plan: Plan): SlackMessage {
  const where = describePlanShort(plan);
  const steps = plan.steps.map((percent, i) => {
    const step = i + 1;
    const mark = step < plan.step || (step === plan.step && plan.status === 'ended' && plan.ended?.reason === 'completed') ? MARKS.done : step === plan.step ? MARKS.current : MARKS.next;
    return `${mark} ${step}. ${percent}%`;
  });
  const lines = [
    `*Now:* ${escapeText(where)}`,
    `*Weights (as AWS reported after the step):* ${describeWeights(plan.weights)}`,
    `*Asked by* ${mention(plan.requester)} · *Approved by* ${mention(plan.approver ?? 'unknown')} · every ${plan.bakeMinutes} min`,
  ];
  const end = expectedEndText(plan);
  if (end) lines.push(`*Expected:* ${end}`);
  if (plan.lastVerdict && plan.status === 'running' && plan.holds > 0) lines.push(`*Held because:* ${escapeText(plan.lastVerdict)}`);
  if (plan.pause?.detail) lines.push(`*Paused because:* ${escapeText(plan.pause.detail)}`);
  if (plan.ended) {
    const by = plan.ended.by ? ` by ${mention(plan.ended.by)}` : '';
    const weights = plan.ended.after ? `; AWS now has ${describeWeights(plan.ended.after)}` : '';
    lines.push(`*Ended* ${formatTime(plan.ended.at)}${by}: ${endWords(plan.ended.reason)}${weights}${plan.ended.detail ? `. ${escapeText(plan.ended.detail)}` : ''}`);
  }
  const blocks: Block[] = [
    header(`Plan on ${plan.stage}: ${plan.steps.join(' → ')}%`),
    section(lines.join('\n')),
    section(steps.join('   ')),
  ];
  if (isActive(plan)) {
    blocks.push(planActions(plan));
    blocks.push(context(`Plan ${plan.id} · progress and every step in this thread · a breach falls back automatically (approved with the plan)`));
  } else {
    blocks.push(context(`Plan ${plan.id}`));
  }
  return {
    text: clipText(`Plan on ${plan.stage} (${plan.steps.join(', ')}%): ${where}.`),
    blocks,
  };
}

function planActions(plan: Plan): types.ActionsBlock {
  const button = (text: string, actionId: string, style?: 'primary' | 'danger'): types.Button => ({
    type: 'button',
    text: { type: 'plain_text', text, emoji: true },
    action_id: actionId,
    value: plan.stage,
    ...(style ? { style } : {}),
  });
  const control = plan.status === 'paused' ? button('Resume', PLAN_RESUME_ACTION, 'primary') : button('Pause', PLAN_PAUSE_ACTION);
  return { type: 'actions', block_id: PLAN_ACTIONS_BLOCK, elements: [control, button('Request fallback', REQUEST_FALLBACK_ACTION, 'danger')] };
}
