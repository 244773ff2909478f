// `/switchover plan <stage> <percents> [every <N>m]`: a request in the channel with the plan's preview and
// Approve / Reject (the same two-person rule as a shift). Refusals are ephemeral and change nothing.
import type { CommandOf } from '../../../commands/parse';
import type { SubcommandHandler } from './types';

export const plan: SubcommandHandler<CommandOf<'plan'>> = async (ctx) => {
  const { stage, steps, bakeMinutes } = ctx.command;
  const result = await ctx.deps.requestMessages.create({ kind: 'plan', stage, spec: { steps, bakeMinutes } }, ctx.user, ctx.channel);
  ctx.log.info({ outcome: result.posted ? 'requested' : 'refused', ...(result.posted ? { requestId: result.request.id } : {}) }, 'plan request');
  await ctx.reply(result.text);
};
