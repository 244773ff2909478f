// Buttons: Approve / Reject on request messages, the buttons that ask for a change (prep's shift buttons,
// "Request fallback", "Request force reconnect") and history paging. One file per action.
import type { App } from '@slack/bolt';
import type { AppDeps } from '../deps';
import * as approve from './approve';
import * as historyPage from './history-page';
import * as reject from './reject';
import * as requestFallback from './request-fallback';
import * as requestForceReconnect from './request-force-reconnect';
import * as requestShift from './request-shift';

export function register(app: App, deps: AppDeps): void {
  approve.register(app, deps);
  reject.register(app, deps);
  requestShift.register(app, deps);
  requestFallback.register(app, deps);
  requestForceReconnect.register(app, deps);
  historyPage.register(app, deps);
}
