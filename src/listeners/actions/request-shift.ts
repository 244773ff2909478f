// Prep's "Request N% shift" buttons: the same as `/switchover shift <stage> <percent>`.
import { parseShiftButtonValue, SHIFT_ACTION_PATTERN } from '../../blocks/prep';
import { answer, type Button, clickLogger, requestFromButton } from './common';

export const requestShiftButton: Button = {
  actionId: SHIFT_ACTION_PATTERN,
  async click(deps, args) {
    const value = parseShiftButtonValue(args.action.value);
    if (!value) {
      const text = 'This button carries no valid stage and percent; use `/switchover shift &lt;stage&gt; &lt;percent&gt;` instead.';
      await answer(args, text, clickLogger(deps, args));
      return;
    }
    await requestFromButton(deps, args, { kind: 'shift', ...value }, `\`/switchover shift ${value.stage} ${value.percent}\``);
  },
};
