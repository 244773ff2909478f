// What a request message shows before anyone approves: the listener as read now, what would change,
// and the health of both sides. Parts that could not be read are null and explained in `notes`.
import type { HealthSummary } from '../health';
import type { RequestKind } from '../journal';
import type { EcsServiceCounts, ListenerState, Weights } from '../types';

export interface ProxyTasks {
  service: string;
  desired: number;
  running: number;
  pending: number;
}

export interface Preview {
  stage: string;
  kind: RequestKind;
  percent: number;
  current: Weights;
  proposed: Weights;
  /** describeWeights of each. */
  currentText: string;
  proposedText: string;
  stickiness: ListenerState['stickiness'];
  sourceGroup: string;
  targetGroup: string;
  /** null: unknown (the reason is in notes). */
  sourceHealth: HealthSummary | null;
  targetHealth: HealthSummary | null;
  captureProxy: ProxyTasks | null;
  targetProxy: ProxyTasks | null;
  requester: string;
  /** Epoch ms. */
  expiresAt: number;
  /** Warnings and unknowns, in words. */
  notes: string[];
}

export function proxyTasks(counts: EcsServiceCounts): ProxyTasks {
  return { service: counts.name, desired: counts.desired, running: counts.running, pending: counts.pending };
}
