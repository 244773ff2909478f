// `/switchover shift`: requesting a shift of traffic.
import type { CommandOf } from '../../../commands/parse';
import { notBuiltYet } from './not-built';
import type { SubcommandHandler } from './types';

export const shift: SubcommandHandler<CommandOf<'shift'>> = async (ctx) => {
  await ctx.reply(notBuiltYet(ctx.command, 'requesting a shift of traffic'));
};
