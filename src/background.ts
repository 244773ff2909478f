// Work that runs beside the Slack listeners: rebuilding state from the journal, expiring requests,
// resuming watches. Started before the app accepts requests, stopped on SIGTERM.
import type { Logger } from './logger';

export interface BackgroundTask {
  name: string;
  start(): Promise<unknown>;
  stop(): Promise<void>;
}

/** Starts the tasks in order: a later one may rely on an earlier one (state loaded before sweeping it). */
export async function startBackground(tasks: readonly BackgroundTask[], logger: Logger): Promise<void> {
  for (const task of tasks) {
    await task.start();
    logger.debug({ task: task.name }, 'background task started');
  }
}

/** Stops every task, newest first; one failing to stop does not keep the others running. */
export async function stopBackground(tasks: readonly BackgroundTask[], logger: Logger): Promise<void> {
  for (const task of [...tasks].reverse()) {
    try {
      await task.stop();
    } catch (error) {
      logger.error({ err: error, task: task.name }, 'background task did not stop cleanly');
    }
  }
}
