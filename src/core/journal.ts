// Records of the durable audit journal. Each is appended (and synced) before the bot acts on it,
// so the state of every stage can be rebuilt from the journal after a restart.
import type { Weights } from './types';

export type RequestKind = 'shift' | 'fallback' | 'forceReconnect';

interface Base {
  /** ISO-8601 time the record was written. */
  at: string;
  stage: string;
}

/** A weights change (shift or fallback) or a capture proxy restart was asked for. */
export interface RequestCreated extends Base {
  type: 'request.created';
  requestId: string;
  kind: RequestKind;
  requester: string;
  channel: string;
  /** Weights read from the listener when the request was made; Approve refuses if they changed since. */
  from: Weights;
  /** Proposed weights (for forceReconnect: the weights it expects to find, unchanged). */
  to: Weights;
  /** Percent of new traffic to the target proxy (shift), 0 for fallback. */
  percent: number;
  expiresAt: string;
}

/** Where the request message lives in Slack, so it can be updated in place (after a restart too). */
export interface RequestPosted extends Base {
  type: 'request.posted';
  requestId: string;
  channel: string;
  messageTs: string;
}

/** An eligible approver claimed the request: from here on it can be applied once and only once. */
export interface RequestApproved extends Base {
  type: 'request.approved';
  requestId: string;
  approver: string;
}

export interface RequestApplied extends Base {
  type: 'request.applied';
  requestId: string;
  before: Weights;
  /** What AWS reported after the write (read back). */
  after: Weights;
  /** Anything the operator should know about the outcome, e.g. a read-back that differs from the request. */
  note?: string;
}

export interface RequestFailed extends Base {
  type: 'request.failed';
  requestId: string;
  error: string;
  /** Weights read back after the failure, when they could be read. */
  after?: Weights;
}

export interface RequestClosed extends Base {
  type: 'request.rejected' | 'request.cancelled' | 'request.expired';
  requestId: string;
  /** Who rejected or cancelled; absent for expiry. */
  by?: string;
}

/** Prep scaled the target proxy service (never down). */
export interface PrepScaled extends Base {
  type: 'prep.scaled';
  by: string;
  service: string;
  fromDesired: number;
  toDesired: number;
}

/** Baseline metrics of the source proxy snapshotted by prep, for status and monitoring. */
export interface PrepBaseline extends Base {
  type: 'prep.baseline';
  by: string;
  baseline: Baseline;
}

/** Watching a stage after an applied change; resumed after a restart until it ends. */
export interface WatchStarted extends Base {
  type: 'watch.started';
  requestId: string;
  channel: string;
  /** Thread of the request message, where progress is posted. */
  threadTs: string;
  /** The progress message, updated in place every minute (set once posted). */
  messageTs?: string;
  until: string;
  /** Weights AWS reported after the watched change, and when it was applied (so a resumed watch judges alike). */
  appliedWeights?: Weights;
  appliedAt?: string;
}

/** The watch's progress message was posted; later minutes update it in place (after a restart too). */
export interface WatchProgressPosted extends Base {
  type: 'watch.progress-posted';
  requestId: string;
  channel: string;
  messageTs: string;
}

export interface WatchEnded extends Base {
  type: 'watch.ended';
  requestId: string;
  reason: 'completed' | 'window-elapsed' | 'superseded' | 'stopped';
}

export interface GuardrailBreached extends Base {
  type: 'guardrail.breached';
  requestId: string;
  guardrail: string;
  detail: string;
  /** Start of the first breaching minute (ISO-8601), for metric guardrails. */
  since?: string;
}

/** The watch found the listener's weights other than the bot last applied: someone changed it outside the bot. */
export interface ListenerChangedOutside extends Base {
  type: 'listener.changed-outside';
  requestId: string;
  /** The proxy weights as read. */
  weights: Weights;
  /** The listener in words, as read (every group, rules). */
  description: string;
}

/** The channel message alerting on a breach, so status can point at it (after a restart too). */
export interface GuardrailAlertPosted extends Base {
  type: 'guardrail.alert-posted';
  requestId: string;
  guardrail: string;
  channel: string;
  messageTs: string;
}

export type JournalRecord =
  | RequestCreated
  | RequestPosted
  | RequestApproved
  | RequestApplied
  | RequestFailed
  | RequestClosed
  | PrepScaled
  | PrepBaseline
  | WatchStarted
  | WatchProgressPosted
  | WatchEnded
  | GuardrailBreached
  | GuardrailAlertPosted
  | ListenerChangedOutside;

/** The stage's newest `prep.baseline`, if any (status and monitoring judge against it). */
export function latestBaseline(records: readonly JournalRecord[], stage: string): Baseline | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.type === 'prep.baseline' && r.stage === stage) return r.baseline;
  }
  return undefined;
}

/** The source proxy's normal behaviour over the prep window, against which a shift is judged. */
export interface Baseline {
  /** Window the figures cover (epoch ms, complete minutes). */
  start: number;
  end: number;
  /** Minutes of the window with traffic. */
  minutesWithTraffic: number;
  requestsPerMinute: number;
  http2xx: number;
  http3xx: number;
  http4xx: number;
  http5xx: number;
  /** 5xx responses per request, 0..1; null without traffic. */
  errorRate5xx: number | null;
  /** Seconds; null without data. */
  latencyAvg: number | null;
  latencyP99: number | null;
  /**
   * The per-minute p99s of the window (seconds), which the watch's rank test compares a 100% shift with.
   * Absent from baselines journaled before it was kept: the watch then uses the minutes before the change.
   */
  latencyP99Minutes?: number[];
  /** Per-minute averages over the window; null without data. */
  activeConnections: number | null;
  newConnections: number | null;
  /** Numbers that could not be fetched when the baseline was taken. */
  missing: string[];
}
