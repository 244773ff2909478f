// The preparation phase: runPrep (run.ts) over one module per step.
export { prepInProgress, runPrep } from './run';
export * from './types';
