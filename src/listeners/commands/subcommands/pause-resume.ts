// `/switchover pause <stage>` and `/switchover resume <stage>`: hold the running plan at its step, or continue
// it. No approval: pausing moves no traffic, and resuming stays within what was approved. The plan's message
// and thread say it (the core's reporter); the operator gets the outcome.
import type { CommandOf } from '../../../commands/parse';
import type { SubcommandHandler } from './types';

export const pause: SubcommandHandler<CommandOf<'pause'>> = async (ctx) => {
  const outcome = await ctx.deps.approvals.plans.pause({ stage: ctx.command.stage, userId: ctx.user });
  ctx.log.info({ outcome: outcome.outcome === 'done' ? 'paused' : 'refused' }, 'plan pause');
  await ctx.reply(outcome.outcome === 'done' ? outcome.text : outcome.reason);
};

export const resume: SubcommandHandler<CommandOf<'resume'>> = async (ctx) => {
  const outcome = await ctx.deps.approvals.plans.resume({ stage: ctx.command.stage, userId: ctx.user });
  ctx.log.info({ outcome: outcome.outcome === 'done' ? 'resumed' : 'refused' }, 'plan resume');
  await ctx.reply(outcome.outcome === 'done' ? outcome.text : outcome.reason);
};
