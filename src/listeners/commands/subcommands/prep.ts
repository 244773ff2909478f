// `/switchover prep`: the preparation phase.
import type { CommandOf } from '../../../commands/parse';
import { notBuiltYet } from './not-built';
import type { SubcommandHandler } from './types';

export const prep: SubcommandHandler<CommandOf<'prep'>> = async (ctx) => {
  await ctx.reply(notBuiltYet(ctx.command, 'the preparation phase'));
};
