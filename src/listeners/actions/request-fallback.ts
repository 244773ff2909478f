// "Request fallback" on a guardrail alert: the same as `/switchover fallback <stage>`.
import { REQUEST_FALLBACK_ACTION } from '../../blocks/watch';
import { type Button, requestFromButton, stageOfButton } from './common';

export const requestFallbackButton: Button = {
  actionId: REQUEST_FALLBACK_ACTION,
  async click(deps, args) {
    const stage = await stageOfButton(deps, args, '`/switchover fallback &lt;stage&gt;`');
    if (stage) await requestFromButton(deps, args, { kind: 'fallback', stage }, `\`/switchover fallback ${stage}\``);
  },
};
