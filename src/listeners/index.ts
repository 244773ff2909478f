// Every listener kind registers itself here; each folder exports one register(app, deps).
import type { App } from '@slack/bolt';
import * as commands from './commands';
import type { AppDeps } from './deps';

export function registerListeners(app: App, deps: AppDeps): void {
  commands.register(app, deps);
}
