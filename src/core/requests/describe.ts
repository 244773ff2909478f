// Requests in words, for refusals, outcomes and the audit trail. User IDs are written as Slack mentions
// (the IDs are Slack's anyway); everything else is plain text.
import { formatTime, mention } from '../format';
import { describeWeights } from '../weights';
import type { RequestKind } from '../journal';
import type { SwitchoverRequest } from './request';
import { describeSpec, type PlanSpec } from '../plan/plan';

/** What the request asks for, e.g. "shift 25% of new traffic to the target proxy on dev". */
export function describeChange(request: Pick<SwitchoverRequest, 'kind' | 'percent' | 'stage' | 'plan'>): string {
  return `${describeKind(request.kind, request.percent, request.plan)} on ${request.stage}`;
}

export function describeKind(kind: RequestKind, percent: number, plan?: PlanSpec): string {
  switch (kind) {
    case 'plan':
      return plan
        ? `switch over gradually: ${describeSpec(plan)}, fallen back automatically on a breach`
        : `switch over gradually, starting at ${percent}%`;
    case 'shift':
      return `shift ${percent}% of new traffic to the target proxy`;
    case 'fallback':
      return 'fall back to the source proxy (all new traffic)';
    case 'forceReconnect':
      return 'restart the capture proxy so pinned clients reconnect';
  }
}

/** E.g. "<@U1>'s request r-abc to shift 25% ... on dev (asked 12:00 UTC, expires 12:15 UTC)". */
export function describeRequest(request: SwitchoverRequest): string {
  return (
    `${mention(request.requester)}'s request ${request.id} to ${describeChange(request)} ` +
    `(asked ${formatTime(request.createdAt)}, expires ${formatTime(request.expiresAt)})`
  );
}

/** Where the request stands, in words: who decided what, and when. */
export function describeStatus(request: SwitchoverRequest): string {
  const when = request.closedAt === undefined ? '' : ` at ${formatTime(request.closedAt)}`;
  switch (request.status) {
    case 'open':
      return `waiting for approval until ${formatTime(request.expiresAt)}`;
    case 'approved':
      if (request.unconfirmed) return `applying, unconfirmed (approved by ${mention(request.approver ?? 'unknown')}): ${request.unconfirmed}`;
      return `being applied now (approved by ${mention(request.approver ?? 'unknown')}${
        request.approvedAt === undefined ? '' : ` at ${formatTime(request.approvedAt)}`
      })`;
    case 'applied':
      // A capture proxy restart leaves the weights as they were.
      return `applied: approved by ${mention(request.approver ?? 'unknown')}${when}${request.kind === 'forceReconnect' ? '' : `; AWS now has ${describeWeights(request.after ?? request.to)}`}`;
    case 'failed':
      return `failed${when}${request.approver ? ` (approved by ${mention(request.approver)})` : ''}: ${request.error ?? 'unknown error'}`;
    case 'rejected':
      return `rejected by ${mention(request.closedBy ?? 'unknown')}${when}`;
    case 'cancelled':
      return request.closedBy ? `cancelled by ${mention(request.closedBy)}${when}` : `cancelled by the bot${when}: ${request.note ?? 'no reason recorded'}`;
    case 'expired':
      return `expired${when} without approval`;
  }
}
