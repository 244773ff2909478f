// Block Kit for a request message (open with Approve / Reject, then its final state, updated in place)
// and the confirmation dialog of Approve. Pure: data in, blocks out.
import type { types } from '@slack/bolt';
import { describeHealth, type HealthSummary } from '../core/health';
import { capitalize, formatTime, mention } from '../core/format';
import { describeChange, describeKind, describeStatus } from '../core/requests/describe';
import type { Preview, ProxyTasks } from '../core/requests/preview';
import type { SwitchoverRequest } from '../core/requests/request';
import { describeWeights } from '../core/weights';
import { clipText, context, escapeText, FIELD_TEXT_MAX, header, MAX_BLOCKS, plain, section, type SlackMessage } from './common';
import type { Plan, PlanSpec } from '../core/plan/plan';
import { planMessage, planPreviewBlocks } from './plan';

export const APPROVE_ACTION = 'switchover_approve';
export const REJECT_ACTION = 'switchover_reject';
export const APPROVE_CONFIRM_CALLBACK = 'switchover_approve_confirm';
export const REQUEST_ACTIONS_BLOCK = 'switchover_request_actions';

const MAX_PROBLEMS_SHOWN = 3;

/** The request message; a plan request, once applied, is the plan message (`plan`: where the plan stands). */
export function requestMessage(request: SwitchoverRequest, preview?: Preview, plan?: Plan): SlackMessage {
  switch (request.status) {
    case 'open':
      return openMessage(request, preview);
    case 'approved':
      return request.unconfirmed
        ? finalMessage(request, 'Applying, unconfirmed', `Approved by ${mention(request.approver ?? 'unknown')}. ${escapeText(request.unconfirmed)}`)
        : finalMessage(request, 'Applying', `Approved by ${mention(request.approver ?? 'unknown')}; applying now.`);
    case 'applied':
      return plan ? planMessage(plan) : appliedMessage(request);
    case 'failed':
      return finalMessage(
        request,
        'Failed',
        `*Failed*${request.closedAt === undefined ? '' : ` ${slackDate(request.closedAt)}`}: ${escapeText(request.error ?? 'unknown error')}` +
          (request.after ? `\n*AWS now has:* ${describeWeights(request.after)}` : ''),
      );
    case 'rejected':
    case 'cancelled': {
      const state = request.status === 'rejected' ? 'Rejected' : 'Cancelled';
      // Without a person, the bot cancelled it, for the reason in its note.
      const by = request.closedBy ? mention(request.closedBy) : 'the bot';
      return finalMessage(request, state, `${state} by ${by}${when(request.closedAt)}${request.closedBy ? '' : `: ${escapeText(request.note ?? '')}`}. Nothing changed.`);
    }
    case 'expired':
      return finalMessage(request, 'Expired', `Expired${when(request.closedAt ?? request.expiresAt)} without approval. Nothing changed.`);
  }
}

/**
 * The dialog Approve opens: exactly what will change, submitted with "Apply". `unchecked` says the clicker's eligibility could not be decided before the click's
 * trigger expired (a slow approver-list lookup); it is decided when they press Apply.
 */
export function approveConfirmView(request: SwitchoverRequest, unchecked = false): types.ModalView {
  const what =
    request.kind === 'forceReconnect'
      ? `*Change:* a rolling restart of the capture proxy on *${escapeText(request.stage)}*, so clients pinned by keep-alive reconnect and follow the weights.\n` +
        `*Weights stay:* ${describeWeights(request.to)}`
      : `*Change:* ${escapeText(describeChange(request))}\n` +
        `*Weights now:* ${describeWeights(request.from)}\n` +
        `*Will become:* ${describeWeights(request.to)}` +
        (request.plan ? `\n${planThen(request.plan)}` : '');
  return {
    type: 'modal',
    callback_id: APPROVE_CONFIRM_CALLBACK,
    private_metadata: request.id,
    title: plain('Approve the change'),
    submit: plain('Apply'),
    close: plain('Cancel'),
    blocks: [
      section(`${what}\n*Requested by:* ${mention(request.requester)}\n*Expires:* ${slackDate(request.expiresAt)}`),
      context(
        request.kind === 'forceReconnect'
          ? `Request ${request.id}. Applied once: later clicks change nothing.`
          : `Request ${request.id}. The bot re-reads the listener first and changes nothing if the weights moved since the request; ` +
              'afterwards it reads them back and reports what AWS has. Applied once: later clicks change nothing.',
      ),
      ...(unchecked
        ? [context(':hourglass: Slack did not tell me in time whether you are an approver; that is checked when you press Apply, and nothing changes if you are not (or if it still cannot be checked).')]
        : []),
    ],
  };
}

/** What approving a plan approves besides its first step. */
function planThen(plan: PlanSpec): string {
  const later = plan.steps.slice(1);
  const then = later.length > 0 ? `*Then:* ${later.join('%, ')}%, every ${plan.bakeMinutes} min, each only if the judge finds the step before healthy. ` : '';
  return `${then}*You also approve the automatic fallback* to the source proxy on a guardrail breach.`;
}

function openMessage(request: SwitchoverRequest, preview?: Preview): SlackMessage {
  const blocks: types.KnownBlock[] = [header(`Request: ${describeChange(request)}`)];
  blocks.push(section(weightsText(request, preview)));
  if (request.plan) blocks.push(...planPreviewBlocks(request.plan, request.stage, request.createdAt));
  if (preview) {
    blocks.push({
      type: 'section',
      fields: [
        field(`*Source proxy group*\n${escapeText(preview.sourceGroup)}: ${healthText(preview.sourceHealth)}`),
        field(`*Target proxy group*\n${escapeText(preview.targetGroup)}: ${healthText(preview.targetHealth)}`),
        field(`*Target proxy tasks*\n${tasksText(preview.targetProxy)}`),
        field(`*Capture proxy tasks*\n${tasksText(preview.captureProxy)}`),
        field(`*Requested by*\n${mention(request.requester)}`),
        field(`*Expires*\n${slackDate(request.expiresAt)}`),
      ],
    });
    const problems = [
      ...problemLines('Source proxy', preview.sourceHealth),
      ...problemLines('Target proxy', preview.targetHealth),
      ...preview.notes.map((n) => `:warning: ${escapeText(n)}`),
    ];
    if (problems.length > 0) blocks.push(section(problems.join('\n')));
  } else {
    blocks.push({
      type: 'section',
      fields: [field(`*Requested by*\n${mention(request.requester)}`), field(`*Expires*\n${slackDate(request.expiresAt)}`)],
    });
  }
  const approve: types.Button = { type: 'button', action_id: APPROVE_ACTION, text: plain('Approve'), value: request.id, style: 'primary' };
  const reject: types.Button = { type: 'button', action_id: REJECT_ACTION, text: plain('Reject'), value: request.id, style: 'danger' };
  const actions: types.ActionsBlock = { type: 'actions', block_id: REQUEST_ACTIONS_BLOCK, elements: [approve, reject] };
  blocks.push(actions);
  blocks.push(context(`Request ${request.id} · needs approval by someone other than ${mention(request.requester)}`));
  return {
    text: `Switchover request on ${request.stage}: ${describeKind(request.kind, request.percent, request.plan)}, asked by ${mention(request.requester)}; approve or reject before ${formatTime(request.expiresAt)}.`,
    blocks: blocks.slice(0, MAX_BLOCKS),
  };
}

function appliedMessage(request: SwitchoverRequest): SlackMessage {
  const lines = [
    `*Asked by* ${mention(request.requester)} · *Approved by* ${mention(request.approver ?? 'unknown')}${when(request.closedAt)}`,
  ];
  if (request.kind === 'forceReconnect') {
    lines.push(`A rolling restart of the capture proxy has started. Weights unchanged: ${describeWeights(request.after ?? request.to)}`);
  } else {
    lines.push(`*Before:* ${describeWeights(request.before ?? request.from)}`);
    lines.push(`*After (as AWS reports):* ${describeWeights(request.after ?? request.to)}`);
  }
  if (request.note) lines.push(`:warning: ${escapeText(request.note)}`);
  return {
    text: `Applied on ${request.stage}: ${describeKind(request.kind, request.percent, request.plan)} (asked by ${mention(request.requester)}, approved by ${mention(request.approver ?? 'unknown')}).`,
    blocks: [header(`Applied: ${describeChange(request)}`), section(lines.join('\n')), context(`Request ${request.id}`)],
  };
}

function finalMessage(request: SwitchoverRequest, state: string, detail: string): SlackMessage {
  const asked = `*Asked by* ${mention(request.requester)}${when(request.createdAt)}${
    request.approver && request.status !== 'approved' ? ` · *Approved by* ${mention(request.approver)}` : ''
  }`;
  const weights =
    request.kind === 'forceReconnect'
      ? `*Weights:* ${describeWeights(request.from)} (a restart does not change them)`
      : `*Requested:* ${describeWeights(request.from)} → ${describeWeights(request.to)}`;
  return {
    text: `${state} on ${request.stage}: ${describeKind(request.kind, request.percent, request.plan)}. ${capitalize(describeStatus(request)).replace(/\.$/, '')}.`,
    blocks: [header(`${state}: ${describeChange(request)}`), section(`${asked}\n${weights}\n${detail}`), context(`Request ${request.id}`)],
  };
}

function weightsText(request: SwitchoverRequest, preview?: Preview): string {
  // The preview describes the listener as read (a forward left by the console, a third group), not only its weights.
  const current = preview ? escapeText(preview.currentText) : describeWeights(request.from);
  if (request.kind === 'forceReconnect') {
    return (
      `*Weights (unchanged):* ${current}\n` +
      '*Action:* a rolling restart of the capture proxy, so clients pinned to it by keep-alive reconnect and follow the weights.'
    );
  }
  return `*Weights now:* ${current}\n*Proposed${request.kind === 'plan' ? ' (step 1)' : ''}:* ${describeWeights(request.to)}`;
}

function healthText(health: HealthSummary | null): string {
  return health ? describeHealth(health) : 'unknown';
}

function problemLines(side: string, health: HealthSummary | null): string[] {
  if (!health || health.problems.length === 0) return [];
  const shown = health.problems.slice(0, MAX_PROBLEMS_SHOWN).map(escapeText).join('; ');
  const more = health.problems.length > MAX_PROBLEMS_SHOWN ? ` and ${health.problems.length - MAX_PROBLEMS_SHOWN} more` : '';
  return [`:warning: ${side} targets not healthy: ${shown}${more}`];
}

function tasksText(tasks: ProxyTasks | null): string {
  if (!tasks) return 'unknown';
  return `${tasks.running} running of ${tasks.desired} desired${tasks.pending > 0 ? `, ${tasks.pending} pending` : ''}`;
}

function when(epochMs: number | undefined): string {
  return epochMs === undefined ? '' : ` ${slackDate(epochMs)}`;
}

// ---- small Block Kit helpers, shared with the history message ----

/** Slack renders the date in the reader's time zone; the fallback is UTC. */
export function slackDate(epochMs: number): string {
  return `<!date^${Math.floor(epochMs / 1000)}^{date_short_pretty} {time}|${formatTime(epochMs)}>`;
}

function field(text: string) {
  return { type: 'mrkdwn' as const, text: clipText(text, FIELD_TEXT_MAX) };
}
