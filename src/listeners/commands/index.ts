import type { App } from '@slack/bolt';
import { SLASH_COMMAND } from '../../commands/usage';
import type { AppDeps } from '../deps';
import { switchoverCommand } from './switchover';

export function register(app: App, deps: AppDeps): void {
  app.command(SLASH_COMMAND, switchoverCommand(deps));
}
