// A stage's audit trail in words, newest first and paged: who asked, who approved, what changed, when.
import type { JournalRecord, RequestCreated, WatchEnded } from './journal';
import { formatTime, mention, percentText } from './format';
import { describeKind } from './requests/describe';
import { describeWeights } from './weights';
import { MAX_HOLDS } from './plan/plan';
import { endWords, pauseWords } from './plan/words';

export interface HistoryEntry {
  /** Epoch ms of the record. */
  at: number;
  /** The journal record's type, e.g. `request.applied`. */
  type: string;
  requestId?: string;
  /** What happened, in words (user IDs as Slack mentions). */
  text: string;
}

export interface HistoryPage {
  stage: string;
  /** 1 = newest. */
  page: number;
  pageSize: number;
  totalPages: number;
  totalEntries: number;
  entries: HistoryEntry[];
}

/** Record types that add nothing to the story (where a message was posted). */
const NOT_SHOWN = new Set(['request.posted', 'watch.progress-posted', 'guardrail.alert-posted']);

/** One page of the stage's history; a page past the end gives the last page. */
export function stageHistory(records: readonly JournalRecord[], stage: string, page = 1, pageSize = 10): HistoryPage {
  const size = Math.max(1, Math.floor(pageSize));
  const requests = new Map<string, RequestCreated>();
  const approvers = new Map<string, string>();
  const entries: HistoryEntry[] = [];
  records.forEach((record) => {
    if (record.stage !== stage) return;
    if (record.type === 'request.created') requests.set(record.requestId, record);
    if (record.type === 'request.approved') approvers.set(record.requestId, record.approver);
    if (NOT_SHOWN.has(record.type)) return;
    const text = describeRecord(record, requests, approvers);
    entries.push({
      at: Date.parse(record.at),
      type: record.type,
      ...('requestId' in record ? { requestId: record.requestId } : {}),
      text,
    });
  });
  // Newest first; records written in the same millisecond keep their journal order reversed.
  const newestFirst = entries.map((entry, index) => ({ entry, index })).sort((a, b) => b.entry.at - a.entry.at || b.index - a.index);
  const totalPages = Math.max(1, Math.ceil(entries.length / size));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), totalPages);
  return {
    stage,
    page: current,
    pageSize: size,
    totalPages,
    totalEntries: entries.length,
    entries: newestFirst.slice((current - 1) * size, current * size).map((e) => e.entry),
  };
}

function describeRecord(record: JournalRecord, requests: Map<string, RequestCreated>, approvers: Map<string, string>): string {
  const about = (requestId: string) => {
    const created = requests.get(requestId);
    return created
      ? `${describeKind(created.kind, created.percent, created.plan)} (${requestId}, asked by ${mention(created.requester)})`
      : `request ${requestId}`;
  };
  switch (record.type) {
    case 'request.created': {
      const change = record.kind === 'forceReconnect' ? '' : `: ${describeWeights(record.from)} → ${describeWeights(record.to)}`;
      return `${mention(record.requester)} asked to ${describeKind(record.kind, record.percent, record.plan)} (${record.requestId})${change}; expires ${formatTime(Date.parse(record.expiresAt))}`;
    }
    case 'request.approved':
      return `${mention(record.approver)} approved ${about(record.requestId)}`;
    case 'request.applied': {
      const approver = approvers.get(record.requestId);
      const by = approver ? `, approved by ${mention(approver)}` : '';
      const change =
        requests.get(record.requestId)?.kind === 'forceReconnect'
          ? 'capture proxy restart started'
          : `${describeWeights(record.before)} → ${describeWeights(record.after)} (as AWS reports)`;
      return `Applied ${about(record.requestId)}${by}: ${change}${record.note ? `. ${record.note}` : ''}`;
    }
    case 'request.unconfirmed':
      return `Applying ${about(record.requestId)}, unconfirmed: ${record.reason}`;
    case 'request.failed':
      return `Failed ${about(record.requestId)}: ${record.error}${record.after ? ` AWS shows ${describeWeights(record.after)}.` : ''}`;
    case 'request.rejected':
      return `${mention(record.by ?? 'unknown')} rejected ${about(record.requestId)}`;
    case 'request.cancelled':
      return `${record.by ? mention(record.by) : 'The bot'} cancelled ${about(record.requestId)}${record.reason ? `: ${record.reason}` : ''}`;
    case 'request.expired':
      return `Expired without approval: ${about(record.requestId)}`;
    case 'prep.scaled':
      return `${mention(record.by)} ran prep: scaled ${record.service} from ${record.fromDesired} to ${record.toDesired} tasks`;
    case 'prep.baseline': {
      const b = record.baseline;
      const rate = b.errorRate5xx === null ? 'no 5xx rate' : `5xx ${percentText(b.errorRate5xx * 100)}`;
      const p99 = b.latencyP99 === null ? 'no p99' : `p99 ${(b.latencyP99 * 1000).toFixed(0)} ms`;
      return `${mention(record.by)} ran prep: baseline of the source proxy over ${formatTime(b.start)} – ${formatTime(b.end)}: ${Math.round(b.requestsPerMinute)} requests/min, ${rate}, ${p99}`;
    }
    case 'watch.started':
      return `Watching after ${about(record.requestId)} until ${formatTime(Date.parse(record.until))}`;
    case 'watch.ended':
      return `Stopped watching after ${about(record.requestId)}: ${WATCH_END[record.reason] ?? record.reason}`;
    case 'guardrail.breached':
      return `Guardrail ${record.guardrail} breached after ${about(record.requestId)}: ${record.detail}`;
    case 'listener.changed-outside':
      return `The switchover listener was changed outside the bot while watching ${about(record.requestId)}: ${record.description}`;
    case 'plan.step-started':
      return `Plan ${record.requestId}: applying step ${record.step} (${describeWeights(record.from)} → ${describeWeights(record.to)})`;
    case 'plan.step-applied':
      return `Plan ${record.requestId}: step ${record.step} applied: ${describeWeights(record.before)} → ${describeWeights(record.after)} (as AWS reports)${record.note ? `. ${record.note}` : ''}`;
    case 'plan.step-failed':
      return `Plan ${record.requestId}: step ${record.step} ${record.unconfirmed ? 'unconfirmed' : 'failed'}, plan paused: ${record.error}`;
    case 'plan.held':
      return `Plan ${record.requestId}: step ${record.step} held for another bake (${record.holds} of ${MAX_HOLDS}): ${record.verdict}`;
    case 'plan.paused':
      return `Plan ${record.requestId}: paused at step ${record.step}${record.by ? ` by ${mention(record.by)}` : ''}: ${pauseWords(record.reason)}${record.detail ? ` (${record.detail})` : ''}`;
    case 'plan.resumed':
      return `Plan ${record.requestId}: ${mention(record.by)} resumed it at step ${record.step}`;
    case 'plan.fallback-started':
      return `Plan ${record.requestId}: automatic fallback at step ${record.step}: ${record.guardrail}: ${record.detail}`;
    case 'plan.ended': {
      const by = record.by ? ` by ${mention(record.by)}` : '';
      const weights = record.before && record.after ? `: ${describeWeights(record.before)} → ${describeWeights(record.after)} (as AWS reports)` : '';
      const approver = record.reason === 'fell-back' || record.reason === 'fallback-failed' ? approvers.get(record.requestId) : undefined;
      const approved = approver ? ` (the plan was approved by ${mention(approver)})` : '';
      return `Plan ${record.requestId}: ${endWords(record.reason)} at step ${record.step}${by}${weights}${approved}${record.detail ? `. ${record.detail}` : ''}`;
    }
    default:
      return `${(record as { type: string }).type}`;
  }
}

const WATCH_END: Record<WatchEnded['reason'], string> = {
  completed: 'the switchover is complete',
  'window-elapsed': 'the watch window ended',
  superseded: 'a newer change replaced it',
  stopped: 'stopped',
};
