// A running plan as the core holds it, for tests of what is decided or built from one (decide, messages).
import type { Plan } from '../../src/core/plan/plan';
import { MINUTE_MS } from '../../src/core/types';
import { REQUEST_T0 } from './requests';

/** A plan on `dev` (1 → 5 → 25 → 100%, every 10 min) running its first step, applied at REQUEST_T0. */
export function runningPlan(overrides: Partial<Plan> = {}): Plan {
  return {
    id: 'r-0000000001',
    stage: 'dev',
    channel: 'C1',
    messageTs: '1.1',
    requester: 'U0ALICE',
    approver: 'U0BOB',
    steps: [1, 5, 25, 100],
    bakeMinutes: 10,
    status: 'running',
    step: 1,
    weights: { source: 99, target: 1 },
    stepAppliedAt: REQUEST_T0,
    bakeEndsAt: REQUEST_T0 + 10 * MINUTE_MS,
    holds: 0,
    ...overrides,
  };
}
