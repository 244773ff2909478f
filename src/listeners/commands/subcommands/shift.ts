// `/switchover shift <stage> <percent>`: a request in the channel with the preview and Approve / Reject.
// Refusals (an open request, no healthy target, nothing to change) are ephemeral and change nothing.
import type { CommandOf } from '../../../commands/parse';
import type { SubcommandHandler } from './types';

export const shift: SubcommandHandler<CommandOf<'shift'>> = async (ctx) => {
  const { stage, percent } = ctx.command;
  const result = await ctx.deps.requestMessages.create({ kind: 'shift', stage, percent }, ctx.user, ctx.channel);
  ctx.log.info({ outcome: result.posted ? 'requested' : 'refused', ...(result.posted ? { requestId: result.request.id } : {}) }, 'shift request');
  await ctx.reply(result.text);
};
