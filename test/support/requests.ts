// A switchover request as the core holds it, for tests of what is built from one (messages, dialogs).
import type { SwitchoverRequest } from '../../src/core/requests/request';

export const REQUEST_T0 = Date.UTC(2026, 0, 1, 12, 0);

/** An open 25% shift on `dev`, asked at REQUEST_T0, expiring 15 minutes later. */
export function switchoverRequest(overrides: Partial<SwitchoverRequest> = {}): SwitchoverRequest {
  return {
    id: 'r-abcdefghij',
    kind: 'shift',
    stage: 'dev',
    requester: 'U0REQ',
    channel: 'C0CHAN',
    from: { source: 1, target: 0 },
    to: { source: 75, target: 25 },
    percent: 25,
    createdAt: REQUEST_T0,
    expiresAt: REQUEST_T0 + 15 * 60_000,
    status: 'open',
    ...overrides,
  };
}
