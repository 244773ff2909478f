// The applied changes of a stage's weights, derived from the journal (never stored twice): the marks and the
// configured-weight line of the charts, and which of them make up the switchover in progress.
import type { JournalRecord, RequestKind } from './journal';
import { targetPercent } from './weights';

/** A moment to mark on the charts, e.g. an applied change. */
export interface ChangeMark {
  at: number;
  label: string;
  /** The target proxy's configured share (percent) before and after the change, when known. */
  targetPercent?: { before: number; after: number };
}

/** A change's label on the charts: "shift 25%", "plan 5%", "fallback", "force reconnect". */
export function changeLabel(kind: RequestKind | undefined, percent: number | undefined): string {
  switch (kind) {
    case 'shift':
      return `shift ${percent ?? '?'}%`;
    case 'fallback':
      return 'fallback';
    case 'forceReconnect':
      return 'force reconnect';
    case 'plan':
      return `plan ${percent ?? '?'}%`;
    default:
      return 'change';
  }
}

/** A change in words, from its chart label: "the 25% shift", "the fallback", "the plan's 5% step". */
export function changeWords(mark: Pick<ChangeMark, 'label'>): string {
  return `the ${mark.label.replace(/^shift (\d+%)$/, '$1 shift').replace(/^plan (\d+%)$/, "plan's $1 step")}`;
}

/** Applied changes of a stage, oldest first, labelled for the charts ("shift 10%", "fallback"). */
export function appliedChanges(records: readonly JournalRecord[], stage: string): ChangeMark[] {
  const created = new Map<string, { kind: RequestKind; percent: number }>();
  const marks: ChangeMark[] = [];
  for (const r of records) {
    if (r.stage !== stage) continue;
    if (r.type === 'request.created') created.set(r.requestId, { kind: r.kind, percent: r.percent });
    if (r.type === 'request.applied') {
      const at = Date.parse(r.at);
      if (Number.isNaN(at)) continue;
      const c = created.get(r.requestId);
      marks.push({ at, label: changeLabel(c?.kind, c?.percent), targetPercent: { before: targetPercent(r.before), after: targetPercent(r.after) } });
    }
    // A running plan's later steps and its automatic fallback change the weights without a request of their own.
    const planChange =
      r.type === 'plan.step-applied'
        ? { label: `plan ${targetPercent(r.after)}%`, before: r.before, after: r.after }
        : r.type === 'plan.ended' && r.before && r.after
          ? { label: 'automatic fallback', before: r.before, after: r.after }
          : undefined;
    if (planChange) {
      const at = Date.parse(r.at);
      if (Number.isNaN(at)) continue;
      marks.push({ at, label: planChange.label, targetPercent: { before: targetPercent(planChange.before), after: targetPercent(planChange.after) } });
    }
  }
  return marks.sort((a, b) => a.at - b.at);
}

/**
 * When the switchover in progress at `at` began: its first change is the newest one (up to `at`) that moved
 * traffic off an all-source listener. An earlier attempt that fell back to 0 % is a switchover of its own.
 * Without such a change, the oldest change known; undefined without any.
 */
export function switchoverStart(changes: readonly ChangeMark[], at: number): number | undefined {
  const upTo = changes.filter((c) => c.at <= at);
  const opening = upTo.filter((c) => c.targetPercent?.before === 0 && c.targetPercent.after > 0).at(-1);
  return (opening ?? upTo[0])?.at;
}
