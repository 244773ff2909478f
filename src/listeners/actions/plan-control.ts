// Pause and Resume on a plan message: the same as `/switchover pause|resume <stage>`, for the same people (the
// channel rule and SWITCHOVER_OPERATORS). The plan's message and thread say what happened; the clicker gets the
// outcome (or the refusal) only to them.
import { PLAN_PAUSE_ACTION, PLAN_RESUME_ACTION } from '../../blocks/plan';
import { isValidStageName } from '../../core/stage';
import { describeSlackError } from '../../slack/errors';
import { checkChannel, checkRole } from '../authorize';
import type { AppDeps } from '../deps';
import { answer, clickLogger, type Button, type ButtonArgs } from './common';

async function control(deps: AppDeps, args: ButtonArgs, what: 'pause' | 'resume'): Promise<void> {
  const log = clickLogger(deps, args);
  const stage = args.action.value ?? '';
  if (!isValidStageName(stage)) {
    await answer(args, `This button names no valid stage; use \`/switchover ${what} &lt;stage&gt;\` instead.`, log);
    return;
  }
  const typed = `\`/switchover ${what} ${stage}\``;
  try {
    const where = checkChannel(deps.config, args.body.channel?.id ?? '', typed);
    if (!where.allowed) {
      log.info({ outcome: 'refused', refusal: 'channel' }, 'button refused outside the switchover channels');
      await answer(args, where.reason, log);
      return;
    }
    const who = await checkRole(deps.people, deps.config.access.operators, 'operator', args.body.user.id, `run ${typed}`);
    if (!who.allowed) {
      log.info({ outcome: 'refused', refusal: 'operator' }, 'button refused: not an operator');
      await answer(args, who.reason, log);
      return;
    }
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
