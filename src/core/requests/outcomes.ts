// What the approval service answers. Rule violations and AWS faults are outcomes with a plain reason,
// never exceptions, so the Slack layer can always say what happened.
import type { Weights } from '../types';
import type { Preview } from './preview';
import type { SwitchoverRequest } from './request';

export interface Refused {
  outcome: 'refused';
  /** What was wrong and what to do instead. */
  reason: string;
  /** True when the request (if any) is still waiting for approval. */
  requestStaysOpen: boolean;
  /** The request concerned, when there is one (e.g. to update its message after it expired on a click). */
  request?: SwitchoverRequest;
}

export type CreateOutcome =
  | { outcome: 'created'; request: SwitchoverRequest; preview: Preview }
  | (Refused & { /** The stage's open request, when that is the reason. */ openRequest?: SwitchoverRequest });

export type ApproveOutcome =
  | {
      outcome: 'applied';
      request: SwitchoverRequest;
      before: Weights;
      /** What AWS reports after the change. */
      after: Weights;
      /** E.g. the read-back differs from the request, or the journal could not record the outcome. */
      note?: string;
    }
  | { outcome: 'failed'; request: SwitchoverRequest; error: string; after?: Weights }
  | Refused;

export type EligibilityOutcome = { outcome: 'eligible'; request: SwitchoverRequest } | Refused;

export type CloseOutcome = { outcome: 'rejected' | 'cancelled'; request: SwitchoverRequest } | Refused;

export interface LoadReport {
  /** Requests known after the rebuild. */
  requests: number;
  /** Requests that were being applied when the bot stopped, now settled as applied or failed. */
  recovered: SwitchoverRequest[];
}
