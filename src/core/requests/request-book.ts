// Every request of every stage, as a pure fold of the journal's request records. The service applies each
// record it appends; at start the book is rebuilt from the whole journal, so requests survive a restart.
import type { JournalRecord } from '../journal';
import { isFinal, isInProgress, type SwitchoverRequest } from './request';

export class RequestBook {
  private readonly requests = new Map<string, SwitchoverRequest>();

  static fold(records: readonly JournalRecord[]): RequestBook {
    const book = new RequestBook();
    for (const record of records) book.apply(record);
    return book;
  }

  /**
   * Applies one record. Records that make no sense for the request's state (a record for an unknown request,
   * anything after a final status, a second approval) change nothing: a final state is never reopened.
   */
  apply(record: JournalRecord): void {
    if (record.type === 'request.created') {
      if (this.requests.has(record.requestId)) return;
      this.requests.set(record.requestId, {
        id: record.requestId,
        kind: record.kind,
        stage: record.stage,
        requester: record.requester,
        channel: record.channel,
        from: { ...record.from },
        to: { ...record.to },
        percent: record.percent,
        ...(record.plan ? { plan: { steps: [...record.plan.steps], bakeMinutes: record.plan.bakeMinutes } } : {}),
        createdAt: Date.parse(record.at),
        expiresAt: Date.parse(record.expiresAt),
        status: 'open',
      });
      return;
    }
    if (!record.type.startsWith('request.') || !('requestId' in record)) return;
    const request = this.requests.get(record.requestId);
    if (!request) return;
    const at = Date.parse(record.at);
    switch (record.type) {
      case 'request.posted':
        request.channel = record.channel;
        request.messageTs = record.messageTs;
        return;
      case 'request.approved':
        if (request.status !== 'open') return;
        request.status = 'approved';
        request.approver = record.approver;
        request.approvedAt = at;
        return;
      case 'request.unconfirmed':
        if (request.status !== 'approved') return;
        request.unconfirmed = record.reason;
        return;
      case 'request.applied':
        if (isFinal(request)) return;
        request.status = 'applied';
        request.before = { ...record.before };
        request.after = { ...record.after };
        if (record.note !== undefined) request.note = record.note;
        request.closedAt = at;
        return;
      case 'request.failed':
        if (isFinal(request)) return;
        request.status = 'failed';
        request.error = record.error;
        if (record.after) request.after = { ...record.after };
        request.closedAt = at;
        return;
      case 'request.rejected':
      case 'request.cancelled':
      case 'request.expired':
        if (request.status !== 'open') return;
        request.status = record.type === 'request.rejected' ? 'rejected' : record.type === 'request.cancelled' ? 'cancelled' : 'expired';
        if (record.by !== undefined) request.closedBy = record.by;
        if (record.reason !== undefined) request.note = record.reason;
        request.closedAt = at;
        return;
      default:
        return;
    }
  }

  /** A copy, so callers cannot change the book behind its back. */
  get(requestId: string): SwitchoverRequest | undefined {
    const request = this.requests.get(requestId);
    return request && structuredClone(request);
  }

  /** The stage's request that is open or being applied (at most one). */
  inProgress(stage: string): SwitchoverRequest | undefined {
    for (const r of this.requests.values()) if (r.stage === stage && isInProgress(r)) return structuredClone(r);
    return undefined;
  }

  /** The stage's most recently applied request. */
  lastApplied(stage: string): SwitchoverRequest | undefined {
    let last: SwitchoverRequest | undefined;
    for (const r of this.requests.values()) {
      if (r.stage === stage && r.status === 'applied' && (!last || (r.closedAt ?? 0) >= (last.closedAt ?? 0))) last = r;
    }
    return last && structuredClone(last);
  }

  /** Every request with the given statuses, oldest first. */
  withStatus(...statuses: SwitchoverRequest['status'][]): SwitchoverRequest[] {
    return [...this.requests.values()]
      .filter((r) => statuses.includes(r.status))
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((r) => structuredClone(r));
  }

  all(): SwitchoverRequest[] {
    return [...this.requests.values()].map((r) => structuredClone(r));
  }
}
