// The plan's decision, pure: given its state, the watch's judgement of its step and the clock, what next.
import { decide, stepGate, type PlanObservation } from '../../../src/core/plan/decide';
import { MAX_HOLDS, planProblem } from '../../../src/core/plan/plan';
import { MINUTE_MS } from '../../../src/core/types';
import { REQUEST_T0 } from '../../support/requests';
import { runningPlan } from '../../support/plans';
import { evaluation } from './verdicts';

const T0 = REQUEST_T0;

const plan = runningPlan;

function seen(at: number, judged = evaluation('healthy'), extra: Partial<PlanObservation> = {}): PlanObservation {
  return { at, watchedWeights: { source: 99, target: 1 }, evaluation: judged, ...extra };
}

const END = T0 + 10 * MINUTE_MS;

describe('decide', () => {
  it('waits for the end of the bake, then advances to the next step on a healthy verdict', () => {
    expect(decide(plan(), seen(END - 1))).toEqual({ action: 'none' });
    expect(decide(plan(), seen(END))).toMatchObject({ action: 'advance', step: 2, to: { source: 95, target: 5 } });
  });

  it('completes after the last step is healthy', () => {
    expect(decide(plan({ step: 4, weights: { source: 0, target: 100 } }), seen(END, evaluation('healthy'), { watchedWeights: { source: 0, target: 100 } }))).toMatchObject({
      action: 'complete',
    });
  });

  it('completes at the last step when the watch finds the switchover complete (the watch ends there)', () => {
    const last = plan({ step: 4, weights: { source: 0, target: 100 } });
    const at100 = { watchedWeights: { source: 0, target: 100 }, switchoverComplete: true };
    expect(decide(last, seen(T0 + 6 * MINUTE_MS, evaluation('inconclusive'), at100))).toMatchObject({
      action: 'complete',
      verdict: expect.stringContaining('the source proxy is quiet: the switchover is complete'),
    });
    // Not before the last step: a quiet source at a lower share is no reason to skip steps.
    expect(decide(plan(), seen(T0 + 6 * MINUTE_MS, evaluation('healthy'), { switchoverComplete: true }))).toEqual({ action: 'none' });
  });

  it('holds an inconclusive step for another bake, at most three times, then pauses', () => {
    expect(decide(plan(), seen(END, evaluation('inconclusive')))).toMatchObject({ action: 'hold', holds: 1 });
    expect(decide(plan({ holds: MAX_HOLDS - 1 }), seen(END, evaluation('inconclusive')))).toMatchObject({ action: 'hold', holds: MAX_HOLDS });
    const paused = decide(plan({ holds: MAX_HOLDS }), seen(END, evaluation('inconclusive')));
    expect(paused).toMatchObject({ action: 'pause', reason: 'inconclusive' });
    expect(paused.action === 'pause' && paused.detail).toContain('Inconclusive is never a pass');
  });

  it('holds when there is no data: no data is never a pass', () => {
    expect(decide(plan(), seen(END, evaluation('no-data')))).toMatchObject({ action: 'hold', verdict: expect.stringContaining('no data') });
  });

  it('falls back on a breach at any moment, also mid-bake and while paused', () => {
    const breach = evaluation('healthy', 'breach');
    expect(decide(plan(), seen(T0 + MINUTE_MS, breach))).toMatchObject({ action: 'fallback', breach: { guardrail: 'p99-latency' } });
    expect(decide(plan({ status: 'paused', pause: { reason: 'operator', at: T0 } }), seen(T0 + MINUTE_MS, breach))).toMatchObject({ action: 'fallback' });
    // A breach seen by the watch of the step before still falls back.
    expect(decide(plan(), seen(T0 + MINUTE_MS, breach, { watchedWeights: { source: 100, target: 0 } }))).toMatchObject({ action: 'fallback' });
  });

  it('falls back on a breach seen at the very tick its bake ends, never advances or completes on it', () => {
    const breach = evaluation('healthy', 'breach');
    expect(decide(plan(), seen(END, breach))).toMatchObject({ action: 'fallback' });
    const last = plan({ step: 4, weights: { source: 0, target: 100 } });
    expect(decide(last, seen(END, breach, { watchedWeights: { source: 0, target: 100 } }))).toMatchObject({ action: 'fallback' });
    // A breach and an outside change in one minute: the fallback, not a pause.
    expect(decide(plan(), seen(END, breach, { changedOutside: 'source 50 / target 50' }))).toMatchObject({ action: 'fallback' });
  });

  it('does nothing while paused, advancing, falling back or ended (a breach aside)', () => {
    for (const status of ['paused', 'advancing', 'falling-back', 'ended'] as const) {
      expect(decide(plan({ status }), seen(END))).toEqual({ action: 'none' });
    }
  });

  it('pauses when the listener was changed outside the bot', () => {
    expect(decide(plan(), seen(T0 + MINUTE_MS, evaluation('healthy'), { changedOutside: 'source 50 / target 50' }))).toMatchObject({
      action: 'pause',
      reason: 'outside-change',
      detail: expect.stringContaining('source 50 / target 50'),
    });
  });

  it('ignores the verdict of a tick that judged other weights (the step before)', () => {
    expect(decide(plan(), seen(END, evaluation('healthy'), { watchedWeights: { source: 100, target: 0 } }))).toEqual({ action: 'none' });
  });
});

describe('stepGate: when a step may advance', () => {
  it('passes when every signal is healthy', () => {
    expect(stepGate(evaluation('healthy'))).toMatchObject({ pass: true, text: expect.stringContaining('healthy at 95% confidence') });
  });

  it('passes with p99 inconclusive only for lack of volume, and says latency was only watched for a breach', () => {
    const gate = stepGate(evaluation('healthy', 'low-volume'));
    expect(gate.pass).toBe(true);
    expect(gate.text).toContain('5xx, connection errors, load-balancer 5xx healthy');
    expect(gate.text).toContain('p99 not shown healthy, only watched for a breach');
  });

  it('does not pass p99 inconclusive for any other reason, nor a count signal inconclusive, nor unknown health', () => {
    expect(stepGate(evaluation('healthy', 'inconclusive')).pass).toBe(false);
    expect(stepGate(evaluation('inconclusive', 'low-volume')).pass).toBe(false);
    expect(stepGate(evaluation('healthy'), 'AccessDenied').pass).toBe(false);
  });
});

describe('planProblem', () => {
  it('accepts a valid plan and names what is wrong with others', () => {
    expect(planProblem({ steps: [1, 5, 25, 100], bakeMinutes: 10 })).toBeUndefined();
    expect(planProblem({ steps: [], bakeMinutes: 10 })).toContain('at least one step');
    expect(planProblem({ steps: [5, 5], bakeMinutes: 10 })).toContain('appears twice');
    expect(planProblem({ steps: [1, 5], bakeMinutes: 121 })).toContain('from 2 to 120');
  });
});
