// What a prep run is made of and what it answers: its steps, its progress reports, its settings and outcomes.
import type { ConnectionReuse } from '../baseline';
import type { HealthSummary } from '../health';
import type { Baseline } from '../journal';
import type { EcsServiceCounts, ListenerState, MetricsSnapshot, StageResources, Weights } from '../types';

export type PrepStepStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export const PREP_STEPS = [
  { name: 'resolve', label: 'Resolve stage' },
  { name: 'counts', label: 'Read ECS counts' },
  { name: 'scale', label: 'Scale target proxy' },
  { name: 'wait', label: 'Wait for target proxy tasks and targets' },
  { name: 'health', label: 'Check target groups and listener' },
  { name: 'metrics', label: 'Baseline metrics' },
  { name: 'verdict', label: 'Verdict' },
] as const;
export type PrepStepName = (typeof PREP_STEPS)[number]['name'];

export interface PrepStep {
  name: PrepStepName;
  label: string;
  status: PrepStepStatus;
  /** One line: what the step found or is waiting for. */
  detail?: string;
  /** Clock times (epoch ms) the step started and ended. */
  startedAt?: number;
  endedAt?: number;
}

/** Reported on every step change and every poll of the wait; carries every step so a message can be redrawn. */
export interface PrepProgress {
  stage: string;
  /** The step that changed. */
  step: PrepStepName;
  startedAt: number;
  /** Clock time of this report. */
  at: number;
  steps: PrepStep[];
}

export interface PrepSettings {
  /** How long to wait for the target proxy's tasks and targets (SWITCHOVER_PREP_TIMEOUT_MINUTES). */
  timeoutMinutes: number;
  /** Default 10. */
  pollSeconds?: number;
  /** Default 30. */
  baselineMinutes?: number;
  /** SWITCHOVER_SETTLE_SECONDS in ms: the baseline reads settled minutes only, as status and the watch do. */
  settleMs?: number;
}

export interface PrepInput {
  stage: string;
  /** Slack user ID of whoever ran the command, for the journal. */
  user: string;
}

export interface PrepHolder {
  user: string;
  startedAt: number;
}

interface PrepRunInfo {
  stage: string;
  user: string;
  startedAt: number;
  finishedAt: number;
  steps: PrepStep[];
  warnings: string[];
  /** Set when this run changed the target proxy's desired count. */
  scaled?: { from: number; to: number };
}

export interface PrepCompleted extends PrepRunInfo {
  kind: 'completed';
  verdict: 'ready' | 'blocked';
  /** Why it is blocked, one line each (empty when ready). */
  reasons: string[];
  resources: StageResources;
  captureProxy: EcsServiceCounts;
  targetProxy: EcsServiceCounts;
  sourceHealth: HealthSummary;
  targetHealth: HealthSummary;
  weights: Weights;
  stickiness: ListenerState['stickiness'];
  /** The wait ran out of time before the target proxy was ready. */
  waitTimedOut: boolean;
  /** Absent when CloudWatch did not return the source proxy's request counts or there was no traffic. */
  baseline?: Baseline;
  /** The metrics as fetched, for the charts (absent only if the metrics port itself failed). */
  snapshot?: MetricsSnapshot;
  connectionReuse?: ConnectionReuse;
}

export interface PrepFailed extends PrepRunInfo {
  kind: 'failed';
  failedStep: PrepStepName;
  /** What went wrong, in plain words, and what to do. */
  message: string;
}

export interface PrepBusy {
  kind: 'busy';
  stage: string;
  holder: PrepHolder;
  message: string;
}

export type PrepOutcome = PrepCompleted | PrepFailed | PrepBusy;
