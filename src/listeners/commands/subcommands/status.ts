// `/switchover status`: the status report.
import type { CommandOf } from '../../../commands/parse';
import { notBuiltYet } from './not-built';
import type { SubcommandHandler } from './types';

export const status: SubcommandHandler<CommandOf<'status'>> = async (ctx) => {
  await ctx.reply(notBuiltYet(ctx.command, 'the status report'));
};
