// One deadline for every outside call the bot waits on: the caller goes on when it passes, whatever the call
// does (the call itself is not cancelled: an SDK or quickchart-js call may take no abort signal).
import type { Clock } from './ports';

/**
 * `work`'s answer, or `late()` (a value, or a throw) once `ms` of `sleep`'s time passed without one. The
 * timer is cleared as soon as either ends, so a settled call leaves nothing pending.
 */
export async function withDeadline<T, L = never>(work: Promise<T>, ms: number, late: () => L, sleep: Clock['sleep']): Promise<T | L> {
  const controller = new AbortController();
  const timeout = sleep(ms, controller.signal).then(late);
  timeout.catch(() => undefined);
  try {
    return await Promise.race([work, timeout]);
  } finally {
    controller.abort();
  }
}
