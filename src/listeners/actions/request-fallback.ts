// "Request fallback" on a guardrail alert: the same as `/switchover fallback <stage>`.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { REQUEST_FALLBACK_ACTION } from '../../blocks/watch';
import { isValidStageName } from '../../core/stage';
import type { AppDeps } from '../deps';
import { answer, clickLogger, requestFromButton } from './common';

export function register(app: App, deps: AppDeps): void {
  app.action<BlockAction<ButtonAction>>(REQUEST_FALLBACK_ACTION, async (args) => {
    await args.ack();
    const stage = args.action.value ?? '';
    if (!isValidStageName(stage)) {
      await answer(args, 'This button names no valid stage; use `/switchover fallback &lt;stage&gt;` instead.', clickLogger(deps, args));
      return;
    }
    await requestFromButton(deps, args, { kind: 'fallback', stage }, `\`/switchover fallback ${stage}\``);
  });
}
