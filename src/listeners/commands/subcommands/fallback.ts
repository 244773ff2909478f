// `/switchover fallback <stage>`: a request to send all new traffic back to the source proxy. Needs only the
// stage and one listener read (never CloudWatch or charts), so it works when those are down.
import type { CommandOf } from '../../../commands/parse';
import type { SubcommandHandler } from './types';

export const fallback: SubcommandHandler<CommandOf<'fallback'>> = async (ctx) => {
  const result = await ctx.deps.requestMessages.create({ kind: 'fallback', stage: ctx.command.stage }, ctx.user, ctx.channel);
  ctx.log.info({ outcome: result.posted ? 'requested' : 'refused', ...(result.posted ? { requestId: result.request.id } : {}) }, 'fallback request');
  await ctx.reply(result.text);
};
