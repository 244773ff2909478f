// A parsed command written back the way an operator types it, for messages and logs.
import type { ParsedCommand } from './parse';
import { SLASH_COMMAND } from './usage';

export function formatCommand(command: ParsedCommand): string {
  switch (command.name) {
    case 'help':
      return `${SLASH_COMMAND} help`;
    case 'shift':
      return `${SLASH_COMMAND} shift ${command.stage} ${command.percent}`;
    case 'plan':
      return `${SLASH_COMMAND} plan ${command.stage} ${command.steps.join(',')} every ${command.bakeMinutes}m`;
    case 'status':
      return command.stage ? `${SLASH_COMMAND} status ${command.stage}` : `${SLASH_COMMAND} status`;
    case 'history':
      return `${SLASH_COMMAND} history ${command.stage}${command.page ? ` ${command.page}` : ''}`;
    default:
      return `${SLASH_COMMAND} ${command.name} ${command.stage}`;
  }
}

/** The fields every log line about a command carries (never the raw request): its name and arguments. */
export function commandLogFields(command: ParsedCommand): Record<string, string | number> {
  const { name, ...args } = command;
  const fields: Record<string, string | number> = { command: name };
  for (const [key, value] of Object.entries(args)) fields[key] = Array.isArray(value) ? value.join(',') : value;
  return fields;
}
