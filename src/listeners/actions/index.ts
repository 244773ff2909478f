// Buttons: Approve / Reject on request messages, the buttons that ask for a change (prep's shift buttons,
// "Request fallback", "Request force reconnect") and history paging. One file per button.
//
// One Bolt listener routes every click by its action_id, as the slash command routes by subcommand: Bolt runs
// each listener's middleware for every request it receives, so six button listeners cost every slash command
// too (measured: a fifth of the acknowledgement's CPU). A new button goes in BUTTONS: a listener of its own
// would also get this one's "does not know this button" answer.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { AppDeps } from '../deps';
import { approveButton } from './approve';
import { answer, clickLogger, type Button } from './common';
import { historyPageButton } from './history-page';
import { rejectButton } from './reject';
import { planPauseButton, planResumeButton } from './plan-control';
import { requestFallbackButton } from './request-fallback';
import { requestForceReconnectButton } from './request-force-reconnect';
import { requestShiftButton } from './request-shift';

export const BUTTONS: readonly Button[] = [
  approveButton,
  rejectButton,
  requestShiftButton,
  requestFallbackButton,
  requestForceReconnectButton,
  historyPageButton,
  planPauseButton,
  planResumeButton,
];

/** Whether a click with this action_id is for this button. */
export function claims(button: Button, actionId: string): boolean {
  return typeof button.actionId === 'string' ? button.actionId === actionId : button.actionId.test(actionId);
}

/** The button a click is for, by its action_id. */
export function buttonFor(actionId: string): Button | undefined {
  return BUTTONS.find((b) => claims(b, actionId));
}

export function register(app: App, deps: AppDeps): void {
  app.action<BlockAction<ButtonAction>>({ type: 'block_actions' }, async (args) => {
    await args.ack();
    const button = buttonFor(args.action.action_id);
    if (button) {
      await button.click(deps, args);
      return;
    }
    // A button of a message some other version of the bot posted: say so rather than leave the click unanswered.
    const log = clickLogger(deps, args);
    log.warn({ outcome: 'unknown' }, 'click on a button the bot does not know');
    await answer(args, 'switchover-bot does not know this button, so nothing happened. Type `/switchover help` to see what it can do.', log);
  });
}
