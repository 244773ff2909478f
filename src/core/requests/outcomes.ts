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

/** What a change of the switchover listener's weights came to (apply.ts writeWeights). */
export type WriteOutcome =
  | {
      outcome: 'applied';
      before: Weights;
      /** What AWS reports after the change. */
      after: Weights;
      /** E.g. the read-back differs from the request, or the journal could not record the outcome. */
      note?: string;
    }
  | { outcome: 'failed'; error: string; after?: Weights }
  | {
      /**
       * AWS did not answer the write and the listener could not be read back: the change may or may not be in
       * place. A request stays "applying" and is re-read until a read settles it.
       */
      outcome: 'unconfirmed';
      reason: string;
    };

/** What an approval came to: every outcome but a refusal. */
export type SettledOutcome = WriteOutcome & { request: SwitchoverRequest };

export type ApproveOutcome = SettledOutcome | Refused;

export type EligibilityOutcome = { outcome: 'eligible'; request: SwitchoverRequest } | Refused;

export type CloseOutcome = { outcome: 'rejected' | 'cancelled'; request: SwitchoverRequest } | Refused;

export interface LoadReport {
  /** Requests known after the rebuild. */
  requests: number;
  /**
   * Requests that were being applied when the bot stopped: settled as applied or failed from a read of the
   * listener, or still applying (unconfirmed) when it could not be read.
   */
  recovered: SettledOutcome[];
}

export function refused(reason: string, requestStaysOpen = false, request?: SwitchoverRequest): Refused {
  return { outcome: 'refused', reason, requestStaysOpen, ...(request ? { request } : {}) };
}

export function isRefused(value: SwitchoverRequest | Refused): value is Refused {
  return 'outcome' in value;
}

export function unknownRequest(requestId: string): Refused {
  return refused(`There is no request ${requestId} (it may belong to another deployment of the bot, or its journal was lost).`);
}
