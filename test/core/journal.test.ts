// Journal records read back from disk are validated before they are trusted: a plan request whose steps,
// percent and weights disagree (hand-edited or damaged) is refused, with the reason, instead of being run.
import { checkJournalRecord } from '../../src/core/journal';

const planRequest = {
  type: 'request.created',
  at: '2026-01-01T12:00:00.000Z',
  stage: 'dev',
  requestId: 'r-abc',
  kind: 'plan',
  requester: 'U0ALICE',
  channel: 'C0SWITCH',
  from: { source: 100, target: 0 },
  to: { source: 99, target: 1 },
  percent: 1,
  expiresAt: '2026-01-01T12:15:00.000Z',
  plan: { steps: [1, 5, 25, 100], bakeMinutes: 10 },
};

describe('a plan request read back from the journal', () => {
  it('is trusted when its kind, steps, percent and weights agree', () => {
    expect(checkJournalRecord(planRequest)).toEqual({ record: planRequest });
  });

  it.each([
    ['steps that go down', { plan: { steps: [50, 5], bakeMinutes: 10 } }, 'plan.steps: the steps do not increase'],
    ['a repeated step', { plan: { steps: [1, 5, 5], bakeMinutes: 10 } }, 'the steps do not increase'],
    ['a first step other than its percent', { plan: { steps: [5, 25], bakeMinutes: 10 } }, "a plan request's kind, steps, percent and weights disagree"],
    ['weights other than its first step', { to: { source: 0, target: 100 } }, "a plan request's kind, steps, percent and weights disagree"],
    ['a plan without its steps', { plan: undefined }, "a plan request's kind, steps, percent and weights disagree"],
    ['a shift carrying steps', { kind: 'shift' }, "a plan request's kind, steps, percent and weights disagree"],
  ])('is refused with %s, saying why', (_what, change, problem) => {
    expect(checkJournalRecord({ ...planRequest, ...change })).toEqual({ problem: expect.stringContaining(problem) });
  });

  it('a shift without steps is unaffected', () => {
    const shift = { ...planRequest, kind: 'shift', plan: undefined, to: { source: 70, target: 30 }, percent: 30 };
    expect(checkJournalRecord(shift)).toHaveProperty('record');
  });
});
