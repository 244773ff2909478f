// What `/switchover status` knows besides AWS: the latest prep baseline and the applied changes (from the
// journal), the open request and the last applied change (from the approval service), what the watch has seen
// (its newest tick and the journal's breaches, with links to the alert messages), and the settings.
// A journal that cannot be read costs the baseline, the chart markers and the journalled breaches (the watch's
// newest tick still shows a breach in progress), never the answer.
import { latestBaseline, type JournalRecord } from '../core/journal';
import { appliedChanges } from '../core/changes';
import type { LastAppliedSummary, StageListEntry, StatusContext } from '../core/status';
import { errorMessage } from '../core/format';
import { appliedAt, type SwitchoverRequest } from '../core/requests/request';
import { currentBreaches, watchState, type WatchState } from '../core/watch-state';
import type { AppDeps } from '../listeners/deps';
import { withDeadline } from '../core/deadline';

export type StatusContextDeps = Pick<AppDeps, 'core' | 'approvals' | 'config' | 'watcher' | 'slack'>;

/** How long status waits for the permalink of an alert message; without it, the status says where the alert is. */
export const PERMALINK_TIMEOUT_MS = 2_000;

export interface GatheredContext {
  context: StatusContext;
  /** Set when the journal could not be read: what that costs, in words. */
  journalProblem?: string;
}

function lastAppliedSummary(request: SwitchoverRequest | undefined): LastAppliedSummary | undefined {
  if (!request) return undefined;
  return {
    id: request.id,
    kind: request.kind,
    percent: request.percent,
    before: request.before ?? request.from,
    after: request.after ?? request.to,
    appliedAt: appliedAt(request),
    requester: request.requester,
    ...(request.approver ? { approver: request.approver } : {}),
  };
}

/** Everything gatherStatus needs besides AWS, for one stage. */
export async function statusContext(deps: StatusContextDeps, stage: string): Promise<GatheredContext> {
  let records: JournalRecord[] = [];
  let journalProblem: string | undefined;
  try {
    records = await deps.core.journal.readAll();
  } catch (error) {
    journalProblem = `the journal could not be read (${errorMessage(error)}): no baseline, no change markers, and only the breaches the watch sees now`;
  }
  const context: StatusContext = {
    changes: appliedChanges(records, stage),
    minRequestsPerMinute: deps.config.watch.minRequestsPerMinute,
    settleMs: deps.config.settleMs,
  };
  const baseline = latestBaseline(records, stage);
  if (baseline) context.baseline = baseline;
  const watch = watchState(records, stage, deps.watcher.latestTick(stage));
  if (watch) {
    await linkAlerts(deps, watch);
    context.watch = watch;
  }
  // A request is plain data that fits the summary as it is.
  const open = deps.approvals.openRequest(stage);
  if (open) context.openRequest = open;
  const applied = lastAppliedSummary(deps.approvals.lastApplied(stage));
  if (applied) context.lastApplied = applied;
  // The running plan; an ended one while its step is still the last change (its outcome is news).
  const plan = deps.approvals.plans.active(stage) ?? deps.approvals.plans.latest(stage);
  if (plan && (plan.status !== 'ended' || !applied || applied.id === plan.id)) context.plan = plan;
  return journalProblem ? { context, journalProblem } : { context };
}

/** Every stage the resolver can see, with its open request, for the no-stage form. */
export async function stageListEntries(deps: StatusContextDeps): Promise<StageListEntry[]> {
  const stages = [...(await deps.core.resolver.listStages())];
  // A stage with a request in progress is known to the bot even if discovery no longer lists it.
  for (const r of deps.approvals.pending()) if (!stages.includes(r.stage)) stages.push(r.stage);
  // Without the journal, the breaches the watch sees now still show.
  const records = await deps.core.journal.readAll().catch(() => []);
  return stages.map((stage) => {
    const openRequest = deps.approvals.openRequest(stage);
    const breaches = currentBreaches(watchState(records, stage, deps.watcher.latestTick(stage)));
    const plan = deps.approvals.plans.active(stage);
    return { stage, ...(openRequest ? { openRequest } : {}), ...(breaches.length > 0 ? { breaches } : {}), ...(plan ? { plan } : {}) };
  });
}

/** Adds each alert message's permalink (chat.getPermalink), each at most PERMALINK_TIMEOUT_MS; a failure leaves it out. */
async function linkAlerts(deps: StatusContextDeps, watch: WatchState): Promise<void> {
  await Promise.all(
    watch.breaches.map(async ({ alert }) => {
      if (!alert) return;
      const lookup = deps.slack.chat.getPermalink({ channel: alert.channel, message_ts: alert.messageTs }).then(
        (answer) => answer.permalink,
        () => undefined,
      );
      const link = await withDeadline(lookup, PERMALINK_TIMEOUT_MS, () => undefined, (ms, signal) => deps.core.clock.sleep(ms, signal));
      if (link) alert.link = link;
    }),
  );
}
