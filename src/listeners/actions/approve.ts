// Approve on a request message: the clicker must be eligible now (not the requester, on SWITCHOVER_APPROVERS
// when set); if so the confirmation dialog opens, otherwise the clicker gets an ephemeral refusal and the
// request stays open. The trigger expires in 3 s: when eligibility is not decided within ELIGIBILITY_WINDOW_MS
// (a slow user-group lookup) the dialog opens anyway and says so; approve() on submit decides, failing closed.
import { APPROVE_ACTION, approveConfirmView } from '../../blocks/request';
import { describeSlackError } from '../../slack/errors';
import type { EligibilityOutcome } from '../../core/requests/outcomes';
import { answer, type Button, clickLogger, requestOfButton } from './common';
import { SystemClock } from '../../adapters/clock';
import { withDeadline } from '../../core/deadline';

/** The trigger's 3 s are wall-clock time, whatever clock the core runs on. */
const wallClock = new SystemClock();

/** How long the click waits for eligibility, leaving views.open the rest of the trigger's 3 s. */
export const ELIGIBILITY_WINDOW_MS = 1_500;

/** The outcome, or undefined when it is not known within the window (the lookup goes on, and is cached). */
function withinWindow(check: Promise<EligibilityOutcome>): Promise<EligibilityOutcome | undefined> {
  return withDeadline(check, ELIGIBILITY_WINDOW_MS, () => undefined, (ms, signal) => wallClock.sleep(ms, signal));
}

export const approveButton: Button = {
  actionId: APPROVE_ACTION,
  async click(deps, args) {
    const user = args.body.user.id;
    const requestId = await requestOfButton(deps, args, 'Approve', clickLogger(deps, args));
    if (requestId === undefined) return;
    const log = clickLogger(deps, args).child({ requestId });
    try {
      const eligible = await withinWindow(deps.approvals.canApprove({ requestId, userId: user }));
      if (eligible === undefined) {
        const request = deps.approvals.get(requestId)!; // an unknown request is refused at once, never undecided
        await args.client.views.open({ trigger_id: args.body.trigger_id, view: approveConfirmView(request, true) });
        log.info({ outcome: 'confirming', stage: request.stage, eligibility: 'undecided' }, 'approval dialog opened before eligibility was decided');
        return;
      }
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
