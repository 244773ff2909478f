// "Request force reconnect" when clients stay pinned to the source proxy: a capture proxy restart, approval-gated.
import { REQUEST_FORCE_RECONNECT_ACTION } from '../../blocks/watch';
import { isValidStageName } from '../../core/stage';
import { answer, type Button, clickLogger, requestFromButton } from './common';

export const requestForceReconnectButton: Button = {
  actionId: REQUEST_FORCE_RECONNECT_ACTION,
  async click(deps, args) {
    const stage = args.action.value ?? '';
    if (!isValidStageName(stage)) {
      await answer(args, 'This button names no valid stage.', clickLogger(deps, args));
      return;
    }
    // Changes the stack like a fallback does, so the same people may ask for it.
    await requestFromButton(deps, args, { kind: 'forceReconnect', stage }, `A force reconnect of ${stage}`, `request a force reconnect of ${stage}`);
  },
};
