// A request for a change of traffic (or a capture proxy restart) and where it stands, as rebuilt from the journal.
import type { RequestKind } from '../journal';
import type { Weights } from '../types';
import type { PlanSpec } from '../plan/plan';

/**
 * - open: waiting for approval
 * - approved: claimed by an approver and being applied (never applied a second time)
 * - applied / failed: the outcome of the approval
 * - rejected / cancelled / expired: closed without a change
 */
export type RequestStatus = 'open' | 'approved' | 'applied' | 'failed' | 'rejected' | 'cancelled' | 'expired';

export interface SwitchoverRequest {
  id: string;
  kind: RequestKind;
  stage: string;
  requester: string;
  channel: string;
  /** Weights the listener held when the request was made. */
  from: Weights;
  /** Proposed weights (forceReconnect: unchanged). */
  to: Weights;
  /** Percent of new traffic to the target proxy (shift; a plan's first step); 0 for fallback. */
  percent: number;
  /** A gradual switchover's steps and bake time (kind plan). */
  plan?: PlanSpec;
  /** Epoch ms. */
  createdAt: number;
  expiresAt: number;
  /** The request message in Slack, once posted. */
  messageTs?: string;
  status: RequestStatus;
  approver?: string;
  approvedAt?: number;
  /** Who rejected or cancelled it. */
  closedBy?: string;
  /** When it reached its final status. */
  closedAt?: number;
  /** Weights before and after the change, as AWS reported them. */
  before?: Weights;
  after?: Weights;
  error?: string;
  /** Anything worth knowing about the outcome (applied), or why the bot cancelled it. */
  note?: string;
  /** While approved: why the outcome is not known yet (AWS's answer was lost and the listener could not be read). */
  unconfirmed?: string;
}

/** Statuses after which nothing more happens to a request. */
export const FINAL_STATUSES: readonly RequestStatus[] = ['applied', 'failed', 'rejected', 'cancelled', 'expired'];

export function isFinal(request: SwitchoverRequest): boolean {
  return FINAL_STATUSES.includes(request.status);
}

/** When an applied request took effect (falling back to its approval, then its creation, for old records). */
export function appliedAt(request: SwitchoverRequest): number {
  return request.closedAt ?? request.approvedAt ?? request.createdAt;
}

/** Open or being applied: the stage's one request in progress. */
export function isInProgress(request: SwitchoverRequest): boolean {
  return request.status === 'open' || request.status === 'approved';
}
