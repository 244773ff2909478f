// The approval dialog's "Apply": close the dialog at once, then approve (the core claims the request durably,
// re-reads the listener, writes once, reads back) and bring the request message to its final state. Slack's
// retries, double submits and two approvers at once reach the core, which applies the request only once;
// the losers get an ephemeral answer (a retry of this same submission gets none).
import type { App, ViewSubmitAction } from '@slack/bolt';
import { APPROVE_CONFIRM_CALLBACK } from '../../blocks/request';
import { errorMessage } from '../../core/format';
import { isRequestId } from '../../core/requests/request-id';
import { checkChannel } from '../authorize';
import type { AppDeps } from '../deps';

export function register(app: App, deps: AppDeps): void {
  app.view<ViewSubmitAction>(APPROVE_CONFIRM_CALLBACK, async ({ ack, body, view, context }) => {
    await ack();
    const requestId = view.private_metadata;
    const user = body.user.id;
    const log = deps.logger.child({ user, requestId, view: APPROVE_CONFIRM_CALLBACK, retry: context.retryNum });
    const messages = deps.requestMessages;
    if (!isRequestId(requestId)) {
      log.warn({ outcome: 'refused', refusal: 'malformed' }, 'approval dialog names no request');
      return;
    }
    // The dialog obeys SWITCHOVER_CHANNELS like the button that opened it: the request's channel must be one of them.
    const known = deps.approvals.get(requestId);
    const where = known && checkChannel(deps.config, known.channel, '*Apply*');
    if (known && where && !where.allowed) {
      log.info({ outcome: 'refused', refusal: 'channel' }, 'approval refused outside the switchover channels');
      await messages.tell(known.channel, user, where.reason);
      return;
    }
    try {
      const outcome = await deps.approvals.approve({ requestId, userId: user });
      if (outcome.outcome === 'refused') {
        log.info({ outcome: 'refused' }, 'approval refused');
        const request = outcome.request ?? deps.approvals.get(requestId);
        if (outcome.request?.status === 'expired') await messages.show(outcome.request);
        if (context.retryNum && outcome.request && !outcome.requestStaysOpen) return;
        if (request) await messages.tell(request.channel, user, outcome.reason);
        return;
      }
      log.info({ outcome: outcome.outcome, stage: outcome.request.stage }, `request ${outcome.outcome}`);
      await messages.settle(outcome);
    } catch (error) {
      // approve() turns AWS and journal faults into outcomes; reaching here is a bug, said to the approver.
      log.error({ err: error, outcome: 'failed' }, 'approval failed');
      const request = deps.approvals.get(requestId);
      if (request) await messages.tell(request.channel, user, `The approval failed unexpectedly: ${errorMessage(error)}. Check \`/switchover status ${request.stage}\`.`);
    }
  });
}
