// The judge: statistical verdicts on a shift (breach / healthy / inconclusive, each with its numbers), and
// the guardrails that turn them into alerts. Pure: figures in, verdicts out.
export * from './verdict';
export * from './settings';
export type { CountMinute, CountReference, CountSignalInput } from './counts';
export { judgeCounts } from './counts';
export type { LatencyInput, LatencyReference, P99Minute } from './latency';
export { judgeLatency, MIN_P99_MINUTES, MIN_REQUESTS_FOR_P99 } from './latency';
export type { ShiftMinutes } from './shift';
export { judgeShift } from './shift';
export type { GuardrailBreach, GuardrailEvaluation, GuardrailName, GuardrailState, SubjectHealth } from './guardrails';
export { evaluateGuardrails, guardrailsRead } from './guardrails';
