// `/switchover ...`: parse, authorize, hand over to the subcommand's handler.
// Bad input, usage and a wrong channel are answered in the acknowledgement itself (no network, no AWS);
// everything else is acknowledged at once, then the operator check (which may ask Slack about user
// groups) and the handler answer through the command's response_url.
import type { RespondArguments } from '@slack/bolt';
import { commandLogFields, formatCommand } from '../../commands/format';
import { isParseError, parseCommand, type ParsedCommand } from '../../commands/parse';
import { usageOf } from '../../commands/usage';
import { describeSlackError } from '../../slack/errors';
import { checkChannel, checkRole } from '../authorize';
import type { AppDeps } from '../deps';
import { SUBCOMMANDS } from './subcommands';
import type { SlashCommandArgs, Subcommand, SubcommandContext, SubcommandHandlers } from './subcommands/types';

export function switchoverCommand(deps: AppDeps, handlers: SubcommandHandlers = SUBCOMMANDS) {
  return async (args: SlashCommandArgs): Promise<void> => {
    const { command: body, ack, respond } = args;
    const user = body.user_id;
    const channel = body.channel_id;
    const parsed = parseCommand(body.text ?? '');

    if (isParseError(parsed)) {
      deps.logger.info({ user, channel, command: 'invalid', outcome: 'invalid' }, parsed.message);
      await ack(ephemeral(parsed.message));
      return;
    }

    const log = deps.logger.child({ user, channel, ...commandLogFields(parsed) });
    // Each handler only ever receives its own command; the map's type guarantees one per name.
    const subcommand = handlers[parsed.name] as Subcommand<ParsedCommand>;
    if (typeof subcommand !== 'function') {
      // Answers that need no network go in the acknowledgement. Only usage is such an answer, and it is for
      // everyone, everywhere: no channel or operator check.
      log.info({ outcome: 'answered' }, 'slash command');
      await ack({ ...subcommand.answerInAck(parsed, deps), response_type: 'ephemeral' });
      return;
    }

    const typed = `\`${formatCommand(parsed)}\``;
    const where = checkChannel(deps.config, channel, typed);
    if (!where.allowed) {
      log.info({ outcome: 'refused', refusal: 'channel' }, 'command refused outside the switchover channels');
      await ack(ephemeral(where.reason));
      return;
    }
    await ack();

    const reply = async (message: string | RespondArguments) => {
      const payload = typeof message === 'string' ? { text: message } : message;
      await respond({ ...payload, response_type: 'ephemeral' } as RespondArguments);
    };
    const { operatorOnly, changes } = usageOf(parsed.name);
    try {
      if (operatorOnly) {
        const who = await checkRole(deps.people, deps.config.access.operators, 'operator', user, `run ${typed}`);
        if (!who.allowed) {
          log.info({ outcome: 'refused', refusal: 'operator' }, 'command refused: not an operator');
          await reply(who.reason);
          return;
        }
      }
      log.info({ outcome: 'accepted' }, 'slash command');
      const ctx: SubcommandContext = { command: parsed, user, channel, slack: args, deps, log, reply };
      // Commands that only read wait their turn behind a few others; changes never wait behind reads.
      await (changes ? subcommand(ctx) : deps.reads.runExclusive(() => subcommand(ctx)));
    } catch (error) {
      log.error({ err: error, outcome: 'failed' }, 'slash command failed');
      await reply(`${typed} failed: ${describeSlackError(error)}`).catch((replyError: unknown) =>
        log.error({ err: replyError }, 'could not tell the operator about the failure'),
      );
    }
  };
}

function ephemeral(text: string): RespondArguments {
  return { response_type: 'ephemeral', text };
}
