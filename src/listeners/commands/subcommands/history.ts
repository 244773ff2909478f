// `/switchover history`: the audit trail.
import type { CommandOf } from '../../../commands/parse';
import { notBuiltYet } from './not-built';
import type { SubcommandHandler } from './types';

export const history: SubcommandHandler<CommandOf<'history'>> = async (ctx) => {
  await ctx.reply(notBuiltYet(ctx.command, 'the audit trail'));
};
