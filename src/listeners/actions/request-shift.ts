// Prep's "Request N% shift" buttons: the same as `/switchover shift <stage> <percent>`.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { parseShiftButtonValue, SHIFT_ACTION_PATTERN } from '../../blocks/prep';
import type { AppDeps } from '../deps';
import { answer, clickLogger, requestFromButton } from './common';

export function register(app: App, deps: AppDeps): void {
  app.action<BlockAction<ButtonAction>>(SHIFT_ACTION_PATTERN, async (args) => {
    await args.ack();
    const value = parseShiftButtonValue(args.action.value);
    if (!value) {
      const text = 'This button carries no valid stage and percent; use `/switchover shift &lt;stage&gt; &lt;percent&gt;` instead.';
      await answer(args, text, clickLogger(deps, args));
      return;
    }
    await requestFromButton(deps, args, { kind: 'shift', ...value }, `\`/switchover shift ${value.stage} ${value.percent}\``);
  });
}
