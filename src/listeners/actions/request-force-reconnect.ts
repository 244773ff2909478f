// "Request force reconnect" when clients stay pinned to the source proxy: a capture proxy restart, approval-gated.
import { REQUEST_FORCE_RECONNECT_ACTION } from '../../blocks/watch';
import { type Button, requestFromButton, stageOfButton } from './common';

export const requestForceReconnectButton: Button = {
  actionId: REQUEST_FORCE_RECONNECT_ACTION,
  async click(deps, args) {
    const stage = await stageOfButton(deps, args);
    // Changes the stack like a fallback does, so the same people may ask for it.
    if (stage) await requestFromButton(deps, args, { kind: 'forceReconnect', stage }, `A force reconnect of ${stage}`, `request a force reconnect of ${stage}`);
  },
};
