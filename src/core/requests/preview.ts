// What a request message shows before anyone approves: the listener as read now and the health of both sides.
// Parts that could not be read are null and explained in `notes`.
import type { HealthSummary } from '../health';
import type { EcsServiceCounts } from '../types';

/** A proxy service's task counts, as ECS reports them. */
export type ProxyTasks = Pick<EcsServiceCounts, 'desired' | 'running' | 'pending'>;

export interface Preview {
  /** The listener as read, in words (describeListener: a forward left by the console, a third group). */
  currentText: string;
  sourceGroup: string;
  targetGroup: string;
  /** null: unknown (the reason is in notes). */
  sourceHealth: HealthSummary | null;
  targetHealth: HealthSummary | null;
  captureProxy: ProxyTasks | null;
  targetProxy: ProxyTasks | null;
  /** Warnings and unknowns, in words. */
  notes: string[];
}
