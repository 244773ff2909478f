// The judge: statistical verdicts on a shift (breach / healthy / inconclusive, each with its numbers), and
// the guardrails that turn them into alerts. Pure: figures in, verdicts out.
export * from './verdict';
export * from './settings';
export * from './counts';
export * from './latency';
export * from './shift';
export * from './guardrails';
