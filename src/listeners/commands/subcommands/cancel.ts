// `/switchover cancel <stage>`: withdraws the stage's open request (the requester or an approver); its message
// shows "Cancelled". Without an open request it ends the stage's running plan (the weights stay).
import type { CommandOf } from '../../../commands/parse';
import { describeRequest } from '../../../core/requests/describe';
import type { SubcommandHandler } from './types';

export const cancel: SubcommandHandler<CommandOf<'cancel'>> = async (ctx) => {
  const outcome = await ctx.deps.approvals.cancel({ stage: ctx.command.stage, userId: ctx.user });
  if (outcome.outcome === 'refused') {
    ctx.log.info({ outcome: 'refused' }, 'cancel refused');
    await ctx.reply(outcome.reason);
    return;
  }
  if (outcome.outcome === 'done') {
    // A running plan ended; the runner already updated its message and said it in its thread.
    ctx.log.info({ outcome: 'cancelled', requestId: outcome.plan.id }, 'plan cancelled');
    await ctx.reply(outcome.text);
    return;
  }
  ctx.log.info({ outcome: 'cancelled', requestId: outcome.request.id }, 'request cancelled');
  await ctx.deps.requestMessages.show(outcome.request);
  await ctx.reply(`Cancelled ${describeRequest(outcome.request)}. Nothing changed.`);
};
