// Closing a request without a change: rejected or cancelled by its requester or an approver, or expired.
import { errorMessage, formatTime } from '../format';
import type { RequestsContext } from './context';
import { describeRequest, describeStatus } from './describe';
import { refused, unknownRequest, type CloseOutcome, type Refused } from './outcomes';
import type { SwitchoverRequest } from './request';

/** The request if it is open and not expired; otherwise a refusal saying what happened to it. */
export async function openOrRefusal(ctx: RequestsContext, requestId: string): Promise<SwitchoverRequest | Refused> {
  const request = ctx.book.get(requestId);
  if (!request) return unknownRequest(requestId);
  if (request.status !== 'open') {
    return refused(`${describeRequest(request)} is no longer open: ${describeStatus(request)}.`, false, request);
  }
  if (ctx.deps.clock.now() >= request.expiresAt) {
    const expired = await expire(ctx, request);
    return refused(
      `${describeRequest(expired)} expired at ${formatTime(request.expiresAt)} without approval; nothing changed. Request it again if it is still wanted.`,
      false,
      expired,
    );
  }
  return request;
}

/**
 * Records the rejection or cancellation (the caller checked who may close it): by `userId`, or by the bot for
 * `reason`.
 */
export async function close(ctx: RequestsContext, request: SwitchoverRequest, userId: string | undefined, how: 'rejected' | 'cancelled', reason?: string): Promise<CloseOutcome> {
  const type = how === 'rejected' ? 'request.rejected' : 'request.cancelled';
  try {
    await ctx.append({ type, at: ctx.nowIso(), stage: request.stage, requestId: request.id, ...(userId ? { by: userId } : { reason }) });
  } catch (error) {
    const what = how === 'rejected' ? 'rejection' : 'cancellation';
    return refused(`The ${what} could not be recorded (${errorMessage(error)}). The request stays open; try again.`, true, request);
  }
  return { outcome: how, request: closed(ctx, request.id) };
}

/** Expires the stage's open request if it is past its expiry (call under the stage's lock). */
export async function expireStage(ctx: RequestsContext, stage: string): Promise<SwitchoverRequest | undefined> {
  const request = ctx.book.inProgress(stage);
  if (!request || request.status !== 'open' || ctx.deps.clock.now() < request.expiresAt) return undefined;
  return expire(ctx, request);
}

export async function expire(ctx: RequestsContext, request: SwitchoverRequest): Promise<SwitchoverRequest> {
  // Expiry follows from the time alone, so the book moves on even if the journal cannot record it now.
  await ctx.appendAfterActing({ type: 'request.expired', at: ctx.nowIso(), stage: request.stage, requestId: request.id });
  return closed(ctx, request.id);
}

/** The request as closed, kept for the stage's plan to hear of once the stage's lock is released. */
function closed(ctx: RequestsContext, id: string): SwitchoverRequest {
  const request = ctx.request(id);
  ctx.closed.push(request);
  return request;
}
