// Every listener kind registers itself here; each folder exports one register(app, deps).
import type { App } from '@slack/bolt';
import * as actions from './actions';
import * as commands from './commands';
import type { AppDeps } from './deps';
import * as views from './views';
import * as wellFormed from './well-formed';

export function registerListeners(app: App, deps: AppDeps): void {
  wellFormed.register(app, deps);
  commands.register(app, deps);
  actions.register(app, deps);
  views.register(app, deps);
}
