// Approve on a request message: the clicker must be eligible now (not the requester, on SWITCHOVER_APPROVERS
// when set); if so the confirmation dialog opens (the trigger expires in 3 s, so nothing slow runs first),
// otherwise the clicker gets an ephemeral refusal and the request stays open. Applying happens on submit.
import { APPROVE_ACTION, approveConfirmView } from '../../blocks/request';
import { describeSlackError } from '../../slack/errors';
import { answer, type Button, clickLogger } from './common';

export const approveButton: Button = {
  actionId: APPROVE_ACTION,
  async click(deps, args) {
    const requestId = args.action.value ?? '';
    const user = args.body.user.id;
    const log = clickLogger(deps, args).child({ requestId });
    try {
      const eligible = await deps.approvals.canApprove({ requestId, userId: user });
      if (eligible.outcome === 'refused') {
        log.info({ outcome: 'refused' }, 'approve refused');
        // A click can be what expires the request: its message then says so.
        if (eligible.request?.status === 'expired') await deps.requestMessages.show(eligible.request);
        await answer(args, eligible.reason, log);
        return;
      }
      await args.client.views.open({ trigger_id: args.body.trigger_id, view: approveConfirmView(eligible.request) });
      log.info({ outcome: 'confirming', stage: eligible.request.stage }, 'approval dialog opened');
    } catch (error) {
      // A click Slack replays after the first opened the dialog finds its trigger used: nothing to say.
      if (args.context.retryNum) {
        log.warn({ err: error, outcome: 'failed' }, 'replayed approve click could not open the dialog');
        return;
      }
      log.error({ err: error, outcome: 'failed' }, 'approve click failed');
      await answer(args, `The approval dialog could not open: ${describeSlackError(error)} Nothing changed; the request stays open.`, log);
    }
  },
};
