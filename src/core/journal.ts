// Records of the durable audit journal. Each is appended (and synced) before the bot acts on it,
// so the state of every stage can be rebuilt from the journal after a restart. Every kind has a schema (zod):
// a record is validated before it is written and again when it is read back, so a damaged or hand-edited line
// is skipped with a warning instead of reaching the requests, the history or the watch as a wrong type.
import { z } from 'zod';

/** A time that parses (ISO-8601 as written by `Date#toISOString`). */
const Timestamp = z.string().refine((text) => !Number.isNaN(Date.parse(text)), { message: 'not a time' });
const Id = z.string().min(1);
/** ALB weights are integers 0-999. */
const Weight = z.number().int().min(0).max(999);
const WeightsSchema = z.object({ source: Weight, target: Weight });
export type Weights = z.infer<typeof WeightsSchema>;
const Count = z.number().int().min(0);
const Finite = z.number().finite();

export const REQUEST_KINDS = ['shift', 'fallback', 'forceReconnect', 'plan'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

const base = { at: Timestamp, stage: Id };
/** Records about one request (a plan is named by its request's ID). */
const ofRequest = { ...base, requestId: Id };

/** A weights change (shift or fallback) or a capture proxy restart was asked for. */
const RequestCreatedSchema = z.object({
  ...ofRequest,
  type: z.literal('request.created'),
  kind: z.enum(REQUEST_KINDS),
  requester: Id,
  channel: Id,
  /** Weights read from the listener when the request was made; Approve refuses if they changed since. */
  from: WeightsSchema,
  /** Proposed weights (for forceReconnect: the weights it expects to find, unchanged). */
  to: WeightsSchema,
  /** Percent of new traffic to the target proxy (shift; a plan's first step), 0 for fallback. */
  percent: z.number().int().min(0).max(100),
  expiresAt: Timestamp,
  /** A gradual switchover (kind plan): its steps (percent to the target proxy) and bake time. */
  plan: z
    .object({ steps: z.array(z.number().int().min(1).max(100)).min(1).max(10), bakeMinutes: z.number().int().min(2).max(120) })
    .refine((plan) => plan.steps.every((step, i) => i === 0 || step > plan.steps[i - 1]!), { message: 'the steps do not increase', path: ['steps'] })
    .optional(),
}).refine(
  // A plan's first step is what its approval writes: a record whose plan, percent and weights disagree is not trusted.
  (r) => (r.kind === 'plan') === (r.plan !== undefined) && (!r.plan || (r.percent === r.plan.steps[0] && r.to.target === r.percent && r.to.source === 100 - r.percent)),
  { message: "a plan request's kind, steps, percent and weights disagree", path: ['plan'] },
);

/** Where the request message lives in Slack, so it can be updated in place (after a restart too). */
const RequestPostedSchema = z.object({ ...ofRequest, type: z.literal('request.posted'), channel: Id, messageTs: Id });

/** An eligible approver claimed the request: from here on it can be applied once and only once. */
const RequestApprovedSchema = z.object({ ...ofRequest, type: z.literal('request.approved'), approver: Id });

const RequestAppliedSchema = z.object({
  ...ofRequest,
  type: z.literal('request.applied'),
  before: WeightsSchema,
  /** What AWS reported after the write (read back). */
  after: WeightsSchema,
  /** Anything the operator should know about the outcome, e.g. AWS's answer was lost but the read-back shows the change. */
  note: z.string().optional(),
});

/**
 * AWS did not answer the write and the listener could not be read back: the change may be in place or not. The
 * request stays "applying" (never applied again) until a later read of the listener settles it.
 */
const RequestUnconfirmedSchema = z.object({ ...ofRequest, type: z.literal('request.unconfirmed'), reason: z.string() });

const RequestFailedSchema = z.object({
  ...ofRequest,
  type: z.literal('request.failed'),
  error: z.string(),
  /** Weights read back after the failure, when they could be read. */
  after: WeightsSchema.optional(),
});

const RequestClosedSchema = z.object({
  ...ofRequest,
  type: z.enum(['request.rejected', 'request.cancelled', 'request.expired']),
  /** Who rejected or cancelled; absent for expiry and when the bot cancelled it. */
  by: Id.optional(),
  /** Why the bot cancelled it (e.g. the plan's automatic fallback made a fallback request needless). */
  reason: z.string().optional(),
});

/** The source proxy's normal behaviour over the prep window, against which a shift is judged. */
const BaselineSchema = z.object({
  /** Window the figures cover (epoch ms, complete minutes). */
  start: Finite,
  end: Finite,
  /** Minutes of the window with traffic. */
  minutesWithTraffic: Count,
  requestsPerMinute: Finite,
  http2xx: Finite,
  http3xx: Finite,
  http4xx: Finite,
  http5xx: Finite,
  /** 5xx responses per request, 0..1; null without traffic. */
  errorRate5xx: Finite.nullable(),
  /** Seconds; null without data. */
  latencyAvg: Finite.nullable(),
  latencyP99: Finite.nullable(),
  /**
   * The per-minute p99s of the window (seconds), which the watch's rank test compares a 100% shift with.
   * Absent from baselines journaled before it was kept: the watch then uses the minutes before the change.
   */
  latencyP99Minutes: z.array(Finite).optional(),
  /** Per-minute averages over the window; null without data. */
  activeConnections: Finite.nullable(),
  newConnections: Finite.nullable(),
  /** Numbers that could not be fetched when the baseline was taken. */
  missing: z.array(z.string()),
});
export type Baseline = z.infer<typeof BaselineSchema>;

/** Prep scaled the target proxy service (never down). */
const PrepScaledSchema = z.object({ ...base, type: z.literal('prep.scaled'), by: Id, service: Id, fromDesired: Count, toDesired: Count });

/** Baseline metrics of the source proxy snapshotted by prep, for status and monitoring. */
const PrepBaselineSchema = z.object({ ...base, type: z.literal('prep.baseline'), by: Id, baseline: BaselineSchema });

/** A prep posted its progress message; `prep.ended` follows, so a restart can tell a prep it interrupted. */
const PrepStartedSchema = z.object({ ...base, type: z.literal('prep.started'), by: Id, channel: Id, messageTs: Id });

const PrepEndedSchema = z.object({
  ...base,
  type: z.literal('prep.ended'),
  /** The progress message of the prep that ended. */
  messageTs: Id,
  outcome: z.enum(['completed', 'failed', 'interrupted']),
});

export const WATCH_END_REASONS = ['completed', 'window-elapsed', 'superseded', 'stopped'] as const;

/** Watching a stage after an applied change; resumed after a restart until it ends. */
const WatchStartedSchema = z.object({
  ...ofRequest,
  type: z.literal('watch.started'),
  channel: Id,
  /** Thread of the request message, where progress is posted. */
  threadTs: Id,
  /** The progress message, updated in place every minute (set once posted). */
  messageTs: Id.optional(),
  until: Timestamp,
  /** Weights AWS reported after the watched change, and when it was applied (so a resumed watch judges alike). */
  appliedWeights: WeightsSchema.optional(),
  appliedAt: Timestamp.optional(),
});

/** The watch's progress message was posted; later minutes update it in place (after a restart too). */
const WatchProgressPostedSchema = z.object({ ...ofRequest, type: z.literal('watch.progress-posted'), channel: Id, messageTs: Id });

const WatchEndedSchema = z.object({
  ...ofRequest,
  type: z.literal('watch.ended'),
  reason: z.enum(WATCH_END_REASONS),
});

const GuardrailBreachedSchema = z.object({
  ...ofRequest,
  type: z.literal('guardrail.breached'),
  guardrail: z.string(),
  detail: z.string(),
  /** Start of the first breaching minute (ISO-8601), for metric guardrails. */
  since: Timestamp.optional(),
});

/** The watch found the listener's weights other than the bot last applied: someone changed it outside the bot. */
const ListenerChangedOutsideSchema = z.object({
  ...ofRequest,
  type: z.literal('listener.changed-outside'),
  /** The proxy weights as read. */
  weights: WeightsSchema,
  /** The listener in words, as read (every group, rules). */
  description: z.string(),
});

/** The channel message alerting on a breach, so status can point at it (after a restart too). */
const GuardrailAlertPostedSchema = z.object({
  ...ofRequest,
  type: z.literal('guardrail.alert-posted'),
  guardrail: z.string(),
  channel: Id,
  messageTs: Id,
});

// ---- A running plan (a request of kind plan, once its first step is applied). The request's ID names it. ----
const planBase = { ...ofRequest, /** The plan's step (1 = its first percent). */ step: z.number().int().min(1).max(10) };

/** The plan is about to write its next step: written before the ModifyListener. */
const PlanStepStartedSchema = z.object({ ...planBase, type: z.literal('plan.step-started'), from: WeightsSchema, to: WeightsSchema });

/** The step is in place, as AWS reports it. */
const PlanStepAppliedSchema = z.object({ ...planBase, type: z.literal('plan.step-applied'), before: WeightsSchema, after: WeightsSchema, note: z.string().optional() });

/** The step could not be written (or AWS could not confirm it): the plan pauses. */
const PlanStepFailedSchema = z.object({
  ...planBase,
  type: z.literal('plan.step-failed'),
  error: z.string(),
  after: WeightsSchema.optional(),
  /** AWS did not answer and the listener could not be read: the step may or may not be in place. */
  unconfirmed: z.boolean().optional(),
});

/** The bake ended inconclusive: the step is held for another bake period. */
const PlanHeldSchema = z.object({ ...planBase, type: z.literal('plan.held'), holds: z.number().int().min(1), verdict: z.string() });

export const PLAN_PAUSE_REASONS = ['operator', 'inconclusive', 'outside-change', 'step-failed', 'fallback-requested'] as const;
const PlanPausedSchema = z.object({
  ...planBase,
  type: z.literal('plan.paused'),
  reason: z.enum(PLAN_PAUSE_REASONS),
  /** The operator who paused it. */
  by: Id.optional(),
  detail: z.string().optional(),
});

const PlanResumedSchema = z.object({ ...planBase, type: z.literal('plan.resumed'), by: Id });

/** A guardrail breached while the plan ran: the automatic fallback is about to be written. */
const PlanFallbackStartedSchema = z.object({ ...planBase, type: z.literal('plan.fallback-started'), guardrail: z.string(), detail: z.string() });

export const PLAN_END_REASONS = ['completed', 'cancelled', 'fell-back', 'fallback-failed', 'superseded'] as const;
const PlanEndedSchema = z.object({
  ...planBase,
  type: z.literal('plan.ended'),
  reason: z.enum(PLAN_END_REASONS),
  /** Who cancelled it. */
  by: Id.optional(),
  /** The automatic fallback's weights, as AWS reports them. */
  before: WeightsSchema.optional(),
  after: WeightsSchema.optional(),
  /** Anything worth saying: a lost answer, why the fallback failed, which request superseded the plan. */
  detail: z.string().optional(),
});

export const JournalRecordSchema = z.discriminatedUnion('type', [
  RequestCreatedSchema,
  RequestPostedSchema,
  RequestApprovedSchema,
  RequestAppliedSchema,
  RequestUnconfirmedSchema,
  RequestFailedSchema,
  RequestClosedSchema,
  PrepScaledSchema,
  PrepBaselineSchema,
  PrepStartedSchema,
  PrepEndedSchema,
  WatchStartedSchema,
  WatchProgressPostedSchema,
  WatchEndedSchema,
  GuardrailBreachedSchema,
  GuardrailAlertPostedSchema,
  ListenerChangedOutsideSchema,
  PlanStepStartedSchema,
  PlanStepAppliedSchema,
  PlanStepFailedSchema,
  PlanHeldSchema,
  PlanPausedSchema,
  PlanResumedSchema,
  PlanFallbackStartedSchema,
  PlanEndedSchema,
]);

export type RequestCreated = z.infer<typeof RequestCreatedSchema>;
export type PrepStarted = z.infer<typeof PrepStartedSchema>;
export type WatchStarted = z.infer<typeof WatchStartedSchema>;
export type WatchEnded = z.infer<typeof WatchEndedSchema>;
export type GuardrailBreached = z.infer<typeof GuardrailBreachedSchema>;
export type PlanRecord = Extract<JournalRecord, { type: `plan.${string}` }>;
export type PlanPauseReason = (typeof PLAN_PAUSE_REASONS)[number];
export type PlanEndReason = (typeof PLAN_END_REASONS)[number];
export type JournalRecord = z.infer<typeof JournalRecordSchema>;

/** The record, or what is wrong with it in words (the first problem, with the field's path). */
export function checkJournalRecord(value: unknown): { record: JournalRecord } | { problem: string } {
  const result = JournalRecordSchema.safeParse(value);
  if (result.success) return { record: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { problem: `${where}${issue?.message ?? 'not a journal record'}` };
}

/** The stage's newest `prep.baseline`, if any (status and monitoring judge against it). */
export function latestBaseline(records: readonly JournalRecord[], stage: string): Baseline | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.type === 'prep.baseline' && r.stage === stage) return r.baseline;
  }
  return undefined;
}

/** Preps whose progress message was posted but which never ended: the bot stopped while they ran. */
export function interruptedPreps(records: readonly JournalRecord[]): PrepStarted[] {
  const ended = new Set(records.flatMap((r) => (r.type === 'prep.ended' ? [r.messageTs] : [])));
  return records.filter((r): r is PrepStarted => r.type === 'prep.started' && !ended.has(r.messageTs));
}
