// What every prep step gets: the ports, the run's settings and input, where to note why the stage is not ready
// (reasons) and what an operator should know (warnings), and how to report its own progress.
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
}

/** A step that cannot go on: the run stops there, with this message. */
export class StepFailure extends Error {}
