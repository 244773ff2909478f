// Modal submissions: the approval confirmation dialog.
import type { App } from '@slack/bolt';
import type { AppDeps } from '../deps';
import * as approveConfirm from './approve-confirm';

export function register(app: App, deps: AppDeps): void {
  approveConfirm.register(app, deps);
}
