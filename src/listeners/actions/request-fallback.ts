// "Request fallback" on a guardrail alert: the same as `/switchover fallback <stage>`.
import { REQUEST_FALLBACK_ACTION } from '../../blocks/watch';
import { isValidStageName } from '../../core/stage';
import { answer, type Button, clickLogger, requestFromButton } from './common';

export const requestFallbackButton: Button = {
  actionId: REQUEST_FALLBACK_ACTION,
  async click(deps, args) {
    const stage = args.action.value ?? '';
    if (!isValidStageName(stage)) {
      await answer(args, 'This button names no valid stage; use `/switchover fallback &lt;stage&gt;` instead.', clickLogger(deps, args));
      return;
    }
    await requestFromButton(deps, args, { kind: 'fallback', stage }, `\`/switchover fallback ${stage}\``);
  },
};
