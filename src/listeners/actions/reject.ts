// Reject on a request message: the requester or an approver closes it; anyone else is refused (ephemeral).
import { REJECT_ACTION } from '../../blocks/request';
import { describeSlackError } from '../../slack/errors';
import { answer, type Button, clickLogger, requestOfButton } from './common';

export const rejectButton: Button = {
  actionId: REJECT_ACTION,
  async click(deps, args) {
    const requestId = await requestOfButton(deps, args, 'Reject', clickLogger(deps, args));
    if (requestId === undefined) return;
    const log = clickLogger(deps, args).child({ requestId });
    try {
      const outcome = await deps.approvals.reject({ requestId, userId: args.body.user.id });
      if (outcome.outcome === 'refused') {
        log.info({ outcome: 'refused' }, 'reject refused');
        if (outcome.request?.status === 'expired') await deps.requestMessages.show(outcome.request);
        // A retry of a click that already worked says nothing twice.
        if (args.context.retryNum && outcome.request && !outcome.requestStaysOpen) return;
        await answer(args, outcome.reason, log);
        return;
      }
      log.info({ outcome: 'rejected', stage: outcome.request.stage }, 'request rejected');
      await deps.requestMessages.show(outcome.request);
    } catch (error) {
      log.error({ err: error, outcome: 'failed' }, 'reject click failed');
      await answer(args, `Rejecting failed: ${describeSlackError(error)}`, log);
    }
  },
};
