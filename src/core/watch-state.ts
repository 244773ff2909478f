// What the watch has seen on a stage, for `/switchover status`: its newest judgement (the watcher's latest
// tick, in memory) and every breach it alerted on for the watched change (the journal, so a restart keeps
// them). Status shows this rather than judging again by other rules. Pure: records and a tick in, data out.
import type { GuardrailEvaluation } from './judge';
import { guardrailsRead } from './judge';
import type { JournalRecord, WatchEnded } from './journal';
import type { WatchTick } from './watch-tick';

/** A breach the watch alerted on (or found, when journalling it failed), with where its alert is. */
export interface SeenBreach {
  /** 'error-rate', 'p99-latency', 'unhealthy-targets' (the judge's names). */
  guardrail: string;
  detail: string;
  /** First breaching minute's start (epoch ms); for health breaches, when the watch saw it. */
  since: number;
  /** The alert message, once posted; `link` is its permalink when the chat side could get one. */
  alert?: { channel: string; messageTs: string; link?: string };
  /**
   * Whether the watch's newest tick still shows it; null without a tick since the bot started, or when that
   * tick could not read the guardrail (no data clears nothing, as the watch itself keeps the episode open).
   */
  ongoing: boolean | null;
}

export interface WatchState {
  requestId: string;
  /** Epoch ms; null when the journal's record holds no readable time and no tick says it. */
  appliedAt: number | null;
  until: number | null;
  /** Set once the watch ended (completed, window elapsed, superseded, stopped). */
  ended?: { reason: WatchEnded['reason']; at: number };
  /** The watch's newest judgement, as it showed it; absent before its first minute since the bot started. */
  latest?: { at: number; minute: number | null; evaluation: GuardrailEvaluation };
  /** Every breach of this watch, oldest first. */
  breaches: SeenBreach[];
}

/**
 * The stage's newest watch, from the journal and the watcher's newest tick (either may be missing: a journal
 * that could not be read, a bot that restarted since the last tick). Undefined when the stage was never watched.
 */
export function watchState(records: readonly JournalRecord[], stage: string, tick?: WatchTick): WatchState | undefined {
  let started: Extract<JournalRecord, { type: 'watch.started' }> | undefined;
  for (const r of records) if (r.type === 'watch.started' && r.stage === stage) started = r;
  const requestId = started?.requestId ?? tick?.watch.requestId;
  if (requestId === undefined) return undefined;
  const latestTick = tick && tick.watch.requestId === requestId ? tick : undefined;

  // The journal checked every record against its schema as it read it (core/journal.ts): its times parse.
  const breaches: SeenBreach[] = [];
  let ended: WatchState['ended'];
  for (const r of records) {
    if (r.stage !== stage || !('requestId' in r) || r.requestId !== requestId) continue;
    if (r.type === 'guardrail.breached') {
      breaches.push({ guardrail: r.guardrail, detail: r.detail, since: Date.parse(r.since ?? r.at), ongoing: null });
    } else if (r.type === 'guardrail.alert-posted') {
      // The newest breach of that guardrail is the one this message alerted on.
      const breach = breaches.filter((b) => b.guardrail === r.guardrail).at(-1);
      if (breach) breach.alert = { channel: r.channel, messageTs: r.messageTs };
    } else if (r.type === 'watch.ended') {
      ended = { reason: r.reason, at: Date.parse(r.at) };
    }
  }

  if (latestTick) {
    const now = latestTick.evaluation.breaches;
    const read = guardrailsRead(latestTick.evaluation, latestTick.health);
    for (const b of breaches) b.ongoing = (read as ReadonlySet<string>).has(b.guardrail) ? false : null;
    for (const current of now) {
      // The journal lists each episode once; a breach it lacks (its record failed to write) is still shown.
      const seen = breaches.filter((b) => b.guardrail === current.guardrail).at(-1);
      // Since stays when the watch first saw it: the judge's window that shows it now may be a shorter one.
      if (seen) Object.assign(seen, { ongoing: true, detail: current.detail });
      else breaches.push({ guardrail: current.guardrail, detail: current.detail, since: current.since ?? latestTick.at, ongoing: true });
    }
  }

  const appliedAt = time(started?.appliedAt) ?? latestTick?.watch.appliedAt ?? time(started?.at) ?? null;
  const until = time(started?.until) ?? latestTick?.watch.until ?? null;
  return {
    requestId,
    appliedAt,
    until,
    ...(ended ? { ended } : {}),
    ...(latestTick ? { latest: { at: latestTick.at, minute: latestTick.minute, evaluation: latestTick.evaluation } } : {}),
    breaches,
  };
}

/** The breaches of a running watch that it has not seen clear: what a one-line summary of the stage must show. */
export function currentBreaches(state: WatchState | undefined): SeenBreach[] {
  if (!state || state.ended) return [];
  return state.breaches.filter((b) => b.ongoing !== false);
}

/** An optional time from the journal as epoch ms. */
function time(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : Date.parse(iso);
}
