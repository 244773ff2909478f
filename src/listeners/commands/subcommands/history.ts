// `/switchover history <stage> [<page>]`: the stage's audit trail, newest first, ten entries a page, with an
// "Older" button (ephemeral).
import { historyBlocks } from '../../../blocks/history';
import type { CommandOf } from '../../../commands/parse';
import { errorMessage } from '../../../core/format';
import type { SubcommandHandler } from './types';

export const history: SubcommandHandler<CommandOf<'history'>> = async (ctx) => {
  const { stage, page } = ctx.command;
  let found;
  try {
    found = await ctx.deps.approvals.history(stage, page ?? 1);
  } catch (error) {
    ctx.log.error({ err: error, outcome: 'failed' }, 'history unreadable');
    await ctx.reply(`The history of ${stage} cannot be shown: ${errorMessage(error)}.`);
    return;
  }
  await ctx.reply(historyBlocks(found));
};
