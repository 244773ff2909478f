// The answer of a subcommand whose phase this version does not have yet: said plainly, nothing done.
import { formatCommand } from '../../../commands/format';
import type { ParsedCommand } from '../../../commands/parse';

export function notBuiltYet(command: ParsedCommand, phase: string): string {
  return `\`${formatCommand(command)}\` is not available in this version of switchover-bot: ${phase} is not built yet. Nothing was read or changed.`;
}
