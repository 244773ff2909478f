// Pause and Resume on a plan message: the same as `/switchover pause|resume <stage>`, for the same people (the
// channel rule and SWITCHOVER_OPERATORS). The plan's message and thread say what happened; the clicker gets the
// outcome (or the refusal) only to them.
import { PLAN_PAUSE_ACTION, PLAN_RESUME_ACTION } from '../../blocks/plan';
import { describeSlackError } from '../../slack/errors';
import type { AppDeps } from '../deps';
import { answer, clickLogger, mayOperate, stageOfButton, type Button, type ButtonArgs } from './common';

async function control(deps: AppDeps, args: ButtonArgs, what: 'pause' | 'resume'): Promise<void> {
  const stage = await stageOfButton(deps, args, `\`/switchover ${what} &lt;stage&gt;\``);
  if (!stage) return;
  const log = clickLogger(deps, args);
  const typed = `\`/switchover ${what} ${stage}\``;
  try {
    if (!(await mayOperate(deps, args, typed, `run ${typed}`, log))) return;
    const input = { stage, userId: args.body.user.id };
    const outcome = what === 'pause' ? await deps.approvals.plans.pause(input) : await deps.approvals.plans.resume(input);
    log.info({ outcome: outcome.outcome === 'done' ? `${what}d` : 'refused', stage }, `plan ${what} from a button`);
    await answer(args, outcome.outcome === 'done' ? outcome.text : outcome.reason, log);
  } catch (error) {
    log.error({ err: error, outcome: 'failed' }, `plan ${what} from a button failed`);
    await answer(args, `${typed} failed: ${describeSlackError(error)}`, log);
  }
}

export const planPauseButton: Button = { actionId: PLAN_PAUSE_ACTION, click: (deps, args) => control(deps, args, 'pause') };
export const planResumeButton: Button = { actionId: PLAN_RESUME_ACTION, click: (deps, args) => control(deps, args, 'resume') };
