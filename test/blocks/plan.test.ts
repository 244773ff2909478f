// The plan's Block Kit as data: the preview's words, the plan message in each state with its buttons, and the
// plan in status; every message within Slack's limits.
import { planMessage, planPreviewBlocks, PLAN_PAUSE_ACTION, PLAN_RESUME_ACTION } from '../../src/blocks/plan';
import { approveConfirmView, requestMessage } from '../../src/blocks/request';
import { planStatusText } from '../../src/blocks/status';
import { REQUEST_FALLBACK_ACTION } from '../../src/blocks/watch';
import type { Plan } from '../../src/core/plan/plan';
import { MINUTE_MS } from '../../src/core/types';
import { messageViolations } from '../support/block-kit-rules';
import { runningPlan } from '../support/plans';
import { REQUEST_T0, switchoverRequest } from '../support/requests';

const T0 = REQUEST_T0;
const SPEC = { steps: [1, 5, 25, 50, 100], bakeMinutes: 10 };

/** Step 3 of 5 (25%), applied 20 min after T0. */
function plan(overrides: Partial<Plan> = {}): Plan {
  return runningPlan({ ...SPEC, step: 3, weights: { source: 75, target: 25 }, stepAppliedAt: T0 + 20 * MINUTE_MS, bakeEndsAt: T0 + 30 * MINUTE_MS, ...overrides });
}

const actionIds = (message: { blocks: unknown[] }) => JSON.stringify(message.blocks).match(/"action_id":"[^"]+"/g) ?? [];

describe('plan blocks', () => {
  it('previews every step with its bake and end, and says that approving approves the automatic fallback', () => {
    const text = JSON.stringify(planPreviewBlocks(SPEC, 'dev', T0));
    expect(text).toContain('3. 25% of new traffic to the target proxy, baked 10 min (until about 12:30 UTC)');
    expect(text).toContain('50 min after approval');
    expect(text).toContain('Approving this plan also approves an automatic fallback to the source proxy');
    expect(text).toContain('p99 cannot be shown healthy: it is then only watched for a breach');
    const open = requestMessage(switchoverRequest({ kind: 'plan', percent: 1, to: { source: 99, target: 1 }, plan: SPEC }));
    expect(messageViolations(open)).toEqual([]);
    expect(JSON.stringify(open.blocks)).toContain('*Proposed (step 1):* source 99 / target 1');
  });

  it('shows a running plan with where it stands and Pause / Request fallback', () => {
    const message = planMessage(plan());
    expect(message.text).toBe('Plan on dev (1, 5, 25, 50, 100%): step 3 of 5 · 25% · next step at 12:30 UTC if healthy.');
    expect(JSON.stringify(message.blocks)).toContain(':white_check_mark: 2. 5%   :arrow_forward: 3. 25%   :white_circle: 4. 50%');
    expect(actionIds(message)).toEqual([`"action_id":"${PLAN_PAUSE_ACTION}"`, `"action_id":"${REQUEST_FALLBACK_ACTION}"`]);
    expect(messageViolations(message)).toEqual([]);
  });

  it('offers Resume on a paused plan, and no buttons once it ended', () => {
    const paused = planMessage(plan({ status: 'paused', pause: { reason: 'inconclusive', at: T0, detail: 'still not shown healthy' } }));
    expect(actionIds(paused)).toEqual([`"action_id":"${PLAN_RESUME_ACTION}"`, `"action_id":"${REQUEST_FALLBACK_ACTION}"`]);
    expect(JSON.stringify(paused.blocks)).toContain('*Paused because:* still not shown healthy');
    const ended = planMessage(plan({ status: 'ended', ended: { reason: 'fell-back', at: T0 + 25 * MINUTE_MS, before: { source: 75, target: 25 }, after: { source: 100, target: 0 } } }),
    );
    expect(actionIds(ended)).toEqual([]);
    expect(ended.text).toContain('fallen back automatically to the source proxy at step 3 of 5');
    expect(JSON.stringify(ended.blocks)).toContain('AWS now has source 100 / target 0');
  });

  it('says in the approval dialog what approving the plan approves', () => {
    const text = JSON.stringify(approveConfirmView(switchoverRequest({ kind: 'plan', percent: 1, to: { source: 99, target: 1 }, plan: SPEC })).blocks);
    expect(text).toContain('*Then:* 5%, 25%, 50%, 100%, every 10 min, each only if the judge finds the step before healthy.');
    expect(text).toContain('*You also approve the automatic fallback* to the source proxy on a guardrail breach.');
  });

  it('says the plan in status, with the reason it is held', () => {
    expect(planStatusText(plan({ holds: 2, lastVerdict: '5xx inconclusive' }))).toBe(
      'step 3 of 5 · 25% · next step at 12:30 UTC if healthy (held 2 of 3) (1 → 5 → 25 → 50 → 100%, every 10 min, r-0000000001); ' +
        'expected to end at 12:50 UTC if every bake is healthy; held because 5xx inconclusive',
    );
  });

  it('names who paused the plan in status as a mention, not as escaped text', () => {
    const paused = plan({ status: 'paused', pause: { reason: 'operator', by: 'U0ALICE', at: T0 } });
    expect(planStatusText(paused)).toContain('paused by an operator (<@U0ALICE>)');
    expect(planStatusText(paused)).not.toContain('&lt;@');
  });
});
