// `/switchover fallback`: requesting a fallback to the source proxy.
import type { CommandOf } from '../../../commands/parse';
import { notBuiltYet } from './not-built';
import type { SubcommandHandler } from './types';

export const fallback: SubcommandHandler<CommandOf<'fallback'>> = async (ctx) => {
  await ctx.reply(notBuiltYet(ctx.command, 'requesting a fallback to the source proxy'));
};
