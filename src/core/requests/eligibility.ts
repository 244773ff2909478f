// Who may act on a request: approve it (not the requester; on SWITCHOVER_APPROVERS when set), or reject or cancel
// it (its requester or an approver). A list that cannot be checked refuses: access is never granted by default.
import { errorMessage, mention } from '../format';
import { openOrRefusal } from './closing';
import type { RequestsContext } from './context';
import { describeChange, describeRequest } from './describe';
import { isRefused, refused, type Refused } from './outcomes';
import type { SwitchoverRequest } from './request';

/** How many approvers a refusal names before "and N more". */
const NAMED_APPROVERS = 8;

/** The open request, if `userId` may approve it now; otherwise the refusal to show. */
export async function eligibleOpenRequest(ctx: RequestsContext, input: { requestId: string; userId: string }): Promise<SwitchoverRequest | Refused> {
  const request = await openOrRefusal(ctx, input.requestId);
  if (isRefused(request)) return request;
  return (await approverRefusal(ctx, request, input.userId)) ?? request;
}

/** Why `userId` may not approve the request, if they may not (not the requester; on the approver list when set). */
export async function approverRefusal(ctx: RequestsContext, request: SwitchoverRequest, userId: string): Promise<Refused | undefined> {
  if (userId === request.requester) {
    return refused(
      `You asked for this change (${describeChange(request)}); someone else must approve it. The request stays open.`,
      true,
      request,
    );
  }
  const listed = await onApproverList(ctx, userId);
  if (listed === true) return undefined;
  if (listed !== false) {
    return refused(`Could not check the approver list (${listed.error}). The request stays open; try again.`, true, request);
  }
  return refused(`Only the approvers (${nameApprovers(ctx.settings.approvers)}) may approve this change. The request stays open.`, true, request);
}

/** Why `userId` may not reject or cancel the request (only its requester or an approver may), if they may not. */
export async function closerRefusal(ctx: RequestsContext, request: SwitchoverRequest, userId: string, verb: 'reject' | 'cancel'): Promise<Refused | undefined> {
  const why = await closerProblem(ctx, request.requester, userId, verb);
  return why === undefined ? undefined : refused(`You cannot ${verb} ${describeRequest(request)}: ${why}. The request stays open.`, true, request);
}

/** Why `userId` may not reject or cancel what `requester` asked for (a request, a plan), if they may not. */
export async function closerProblem(ctx: RequestsContext, requester: string, userId: string, verb: 'reject' | 'cancel'): Promise<string | undefined> {
  const may = userId === requester || (await onApproverList(ctx, userId));
  if (may === true) return undefined;
  return may !== false
    ? `the approver list could not be checked (${may.error}); try again`
    : `only the requester (${mention(requester)}) or an approver (${nameApprovers(ctx.settings.approvers)}) may ${verb} it`;
}

/** Whether the user is an approver (anyone is when no approver list is set); `error` when that could not be checked. */
export async function onApproverList(ctx: RequestsContext, userId: string): Promise<boolean | { error: string }> {
  if (ctx.settings.approvers.length === 0) return true;
  try {
    return await ctx.deps.people.isListed(userId, ctx.settings.approvers);
  } catch (error) {
    return { error: errorMessage(error) };
  }
}

export function nameApprovers(approvers: readonly string[]): string {
  const named = approvers.slice(0, NAMED_APPROVERS).map(mention).join(', ');
  return approvers.length > NAMED_APPROVERS ? `${named} and ${approvers.length - NAMED_APPROVERS} more` : named;
}
