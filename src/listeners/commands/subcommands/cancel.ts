// `/switchover cancel`: cancelling a pending request.
import type { CommandOf } from '../../../commands/parse';
import { notBuiltYet } from './not-built';
import type { SubcommandHandler } from './types';

export const cancel: SubcommandHandler<CommandOf<'cancel'>> = async (ctx) => {
  await ctx.reply(notBuiltYet(ctx.command, 'cancelling a pending request'));
};
