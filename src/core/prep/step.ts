// What every prep step gets: the ports, the run's settings and input, where to note why the stage is not ready
// (reasons) and what an operator should know (warnings), and how to report its own progress.
import { plainMessage } from '../format';
import type { CoreDeps } from '../ports';
import type { PrepInput, PrepSettings, PrepStepName, PrepStepStatus } from './types';

export interface PrepContext {
  deps: CoreDeps;
  settings: PrepSettings;
  input: PrepInput;
  /** Why the stage is not ready for a switchover, one line each. */
  reasons: string[];
  warnings: string[];
  update(name: PrepStepName, status: PrepStepStatus, detail?: string): Promise<void>;
  /** What every journal record of the run starts with: now, the stage, who ran prep. */
  record(): { at: string; stage: string; by: string };
}

/** A step that cannot go on: the run stops there, with this message. */
export class StepFailure extends Error {}

/** `work`'s answer; when it fails, the run stops with `failure` and the error's words. */
export async function orFail<T>(work: Promise<T>, failure: (why: string) => string): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw new StepFailure(failure(plainMessage(error)));
  }
}
