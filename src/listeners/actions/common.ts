// What the buttons share: their shape and Bolt arguments, an ephemeral answer to the clicker, and the access rule
// for buttons that ask for a change (the same channel and operator rules as the slash commands).
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { isRequestId } from '../../core/requests/request-id';
import { isValidStageName } from '../../core/stage';
import type { Logger } from '../../logger';
import { describeSlackError } from '../../slack/errors';
import type { NewRequest } from '../../slack/requests';
import { checkChannel, checkRole } from '../authorize';
import type { AppDeps } from '../deps';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

/** One kind of button: the action_id it carries, and what a click does once acknowledged. */
export interface Button {
  actionId: string | RegExp;
  click(deps: AppDeps, args: ButtonArgs): Promise<void>;
}

/** An answer only the clicker sees; the message with the button stays as it is. */
export async function answer(args: ButtonArgs, text: string, log: Logger): Promise<void> {
  try {
    await args.respond({ response_type: 'ephemeral', replace_original: false, text });
  } catch (error) {
    log.warn({ err: error }, 'could not answer the click through its response_url; trying chat.postEphemeral');
    const channel = args.body.channel?.id;
    if (!channel) return;
    await args.client.chat
      .postEphemeral({ channel, user: args.body.user.id, text })
      .catch((e: unknown) => log.error({ err: e }, 'could not answer the click'));
  }
}

/** The logger for one click: user, channel and action on every line. */
export function clickLogger(deps: AppDeps, args: ButtonArgs): Logger {
  return deps.logger.child({ user: args.body.user.id, channel: args.body.channel?.id, action: args.action.action_id });
}

/**
 * A button that asks for a change (prep's shift buttons, "Request fallback", "Request force reconnect"): the
 * clicker must be allowed to run the matching command in this channel. The request is posted where the button is.
 */
export async function requestFromButton(
  deps: AppDeps,
  args: ButtonArgs,
  input: NewRequest,
  /** What the button does, as a command or in words, e.g. "`/switchover fallback dev`". */
  typed: string,
  /** For the operator refusal: "run `/switchover fallback dev`". */
  doing = `run ${typed}`,
): Promise<void> {
  const log = clickLogger(deps, args).child({ stage: input.stage });
  const user = args.body.user.id;
  const channel = args.body.channel?.id;
  try {
    if (!channel) {
      await answer(args, 'This button only works on a message in a channel.', log);
      return;
    }
    if (!(await mayOperate(deps, args, typed, doing, log))) return;
    const result = await deps.requestMessages.create(input, user, channel);
    log.info({ outcome: result.posted ? 'requested' : 'refused', ...(result.posted ? { requestId: result.request.id } : {}) }, 'request from a button');
    await answer(args, result.text, log);
  } catch (error) {
    log.error({ err: error, outcome: 'failed' }, 'request from a button failed');
    await answer(args, `${typed} failed: ${describeSlackError(error)} Nothing was requested.`, log);
  }
}

/**
 * Whether the clicker may do what the button does (`typed`) here: the channel rule and SWITCHOVER_OPERATORS, as
 * for the command. If not, they are answered why.
 */
export async function mayOperate(deps: AppDeps, args: ButtonArgs, typed: string, doing: string, log: Logger): Promise<boolean> {
  const where = checkChannel(deps.config, args.body.channel?.id ?? '', typed);
  if (!where.allowed) {
    log.info({ outcome: 'refused', refusal: 'channel' }, 'button refused outside the switchover channels');
    await answer(args, where.reason, log);
    return false;
  }
  const who = await checkRole(deps.people, deps.config.access.operators, 'operator', args.body.user.id, doing);
  if (!who.allowed) {
    log.info({ outcome: 'refused', refusal: 'operator' }, 'button refused: not an operator');
    await answer(args, who.reason, log);
  }
  return who.allowed;
}

/** The stage the button carries; a value that is no stage name is answered (never echoed) with `usage` to type instead. */
export async function stageOfButton(deps: AppDeps, args: ButtonArgs, usage?: string): Promise<string | undefined> {
  const stage = args.action.value ?? '';
  if (isValidStageName(stage)) return stage;
  await answer(args, `This button names no valid stage${usage ? `; use ${usage} instead` : ''}.`, clickLogger(deps, args));
  return undefined;
}

/**
 * Approve and Reject: the request ID the button carries, once the click passed the channel rule (the same
 * SWITCHOVER_CHANNELS as every command). Otherwise the clicker is answered and nothing happens; a value that is
 * no request ID (a forged click) is never echoed.
 */
export async function requestOfButton(deps: AppDeps, args: ButtonArgs, button: 'Approve' | 'Reject', log: Logger): Promise<string | undefined> {
  const where = checkChannel(deps.config, args.body.channel?.id ?? '', `*${button}*`);
  if (!where.allowed) {
    log.info({ outcome: 'refused', refusal: 'channel' }, 'button refused outside the switchover channels');
    await answer(args, where.reason, log);
    return undefined;
  }
  const value = args.action.value;
  if (!isRequestId(value)) {
    log.warn({ outcome: 'refused', refusal: 'malformed' }, 'button value is not a request ID');
    await answer(args, `This ${button} button names no request of switchover-bot, so nothing happened. Use the buttons on a request message the bot posted.`, log);
    return undefined;
  }
  return value;
}
