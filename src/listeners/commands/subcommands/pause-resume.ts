// `/switchover pause <stage>` and `/switchover resume <stage>`: hold the running plan at its step, or continue
// it. No approval: pausing moves no traffic, and resuming stays within what was approved. The plan's message
// and thread say it (the core's reporter); the operator gets the outcome.
import type { CommandOf } from '../../../commands/parse';
import type { SubcommandHandler } from './types';

function planCommand(what: 'pause' | 'resume'): SubcommandHandler<CommandOf<typeof what>> {
  return async (ctx) => {
    const outcome = await ctx.deps.approvals.plans[what]({ stage: ctx.command.stage, userId: ctx.user });
    ctx.log.info({ outcome: outcome.outcome === 'done' ? `${what}d` : 'refused' }, `plan ${what}`);
    await ctx.reply(outcome.outcome === 'done' ? outcome.text : outcome.reason);
  };
}

export const pause = planCommand('pause');
export const resume = planCommand('resume');
