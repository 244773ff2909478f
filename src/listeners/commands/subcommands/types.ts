// The shape of one `/switchover <subcommand>` handler. The command has been parsed, acknowledged and
// authorized before the handler runs; the handler answers with `reply` (ephemeral) or posts in the channel.
import type { AllMiddlewareArgs, RespondArguments, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { CommandOf, ParsedCommand } from '../../../commands/parse';
import type { Logger } from '../../../logger';
import type { AppDeps } from '../../deps';

export type SlashCommandArgs = AllMiddlewareArgs & SlackCommandMiddlewareArgs;

export interface SubcommandContext<C extends ParsedCommand = ParsedCommand> {
  command: C;
  /** Who ran it, and in which channel. */
  user: string;
  channel: string;
  /** Bolt's arguments (client, respond, body ...). The command is already acknowledged: do not ack again. */
  slack: SlashCommandArgs;
  deps: AppDeps;
  /** Carries user, channel and command on every line. */
  log: Logger;
  /** An answer only the person who ran the command sees (response_type is forced to ephemeral). */
  reply(message: string | RespondArguments): Promise<void>;
}

export type SubcommandHandler<C extends ParsedCommand = ParsedCommand> = (ctx: SubcommandContext<C>) => Promise<void>;

/**
 * A subcommand whose answer needs nothing but the command and the configuration: it goes in the
 * acknowledgement itself (ephemeral), with no response_url call, so it shows at once and costs no request.
 */
export interface AnsweredInAck<C extends ParsedCommand = ParsedCommand> {
  answerInAck(command: C, deps: AppDeps): RespondArguments;
}

export type Subcommand<C extends ParsedCommand = ParsedCommand> = SubcommandHandler<C> | AnsweredInAck<C>;

export type SubcommandHandlers = { [N in ParsedCommand['name']]: Subcommand<CommandOf<N>> };
