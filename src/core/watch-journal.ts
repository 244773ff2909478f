// What the journal says of watches, for a restarted bot: which watches are still open, and how each stood when
// the bot stopped (its weights, progress message, the breaches already alerted on, the outside change already
// said). Pure: the watcher (watch.ts) decides what to resume, end or extend.
import type { GuardrailBreached, JournalRecord, WatchStarted } from './journal';
import type { GuardrailName } from './judge';
import type { WatchInfo } from './watch-tick';
import { watchMode } from './watch-tick';

/**
 * Watches started and not ended, in the order they started. A request's newest watch.started is its watch (a plan
 * starts one per step); a later watch.ended ends it.
 */
export function openWatches(records: JournalRecord[]): WatchStarted[] {
  const openById = new Map<string, WatchStarted>();
  for (const r of records) {
    if (r.type === 'watch.started') {
      openById.delete(r.requestId); // re-inserted: the map's order is the order the watches started
      openById.set(r.requestId, r);
    } else if (r.type === 'watch.ended') openById.delete(r.requestId);
  }
  return [...openById.values()];
}

/** The watch as it stood; undefined when the journal does not have its applied weights. */
export function watchInfoFromJournal(r: WatchStarted, records: JournalRecord[]): WatchInfo | undefined {
  const applied = records.find((x) => x.type === 'request.applied' && x.requestId === r.requestId);
  const weights = r.appliedWeights ?? (applied?.type === 'request.applied' ? applied.after : undefined);
  if (!weights) return undefined;
  const appliedAt = Date.parse(r.appliedAt ?? applied?.at ?? r.at);
  let messageTs = r.messageTs;
  for (const x of records) {
    if (x.type === 'watch.progress-posted' && x.requestId === r.requestId) messageTs = x.messageTs;
  }
  return {
    stage: r.stage,
    requestId: r.requestId,
    channel: r.channel,
    threadTs: r.threadTs,
    appliedWeights: weights,
    appliedAt,
    mode: watchMode(weights),
    until: Date.parse(r.until),
    messageTs,
  };
}

/** What the watch already said, so a restart does not say it again: its alerted guardrails and its outside change. */
export function alreadySaid(r: WatchStarted, records: JournalRecord[]): { alerted: Set<GuardrailName>; outside?: string } {
  const since = Date.parse(r.at);
  const alerted = new Set(
    records
      .filter((x): x is GuardrailBreached => x.type === 'guardrail.breached' && x.requestId === r.requestId && Date.parse(x.at) >= since)
      .map((x) => x.guardrail as GuardrailName),
  );
  const outside = records.filter((x) => x.type === 'listener.changed-outside' && x.requestId === r.requestId && Date.parse(x.at) >= since).at(-1);
  return { alerted, ...(outside?.type === 'listener.changed-outside' ? { outside: outside.description } : {}) };
}
