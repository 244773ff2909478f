import type { JournalRecord, RequestCreated } from '../../../src/core/journal';
import { RequestBook } from '../../../src/core/requests/request-book';

function createdRecord(requestId: string, stage = 'dev', at = '2026-01-01T12:00:00.000Z'): RequestCreated {
  return {
    type: 'request.created',
    at,
    stage,
    requestId,
    kind: 'shift',
    requester: 'U1',
    channel: 'C1',
    from: { source: 1, target: 0 },
    to: { source: 50, target: 50 },
    percent: 50,
    expiresAt: '2026-01-01T12:15:00.000Z',
  };
}

const at = (minute: number) => `2026-01-01T12:${String(minute).padStart(2, '0')}:00.000Z`;

describe('RequestBook', () => {
  it('folds a request through posted, approved and applied', () => {
    const book = RequestBook.fold([
      createdRecord('r-1'),
      { type: 'request.posted', at: at(0), stage: 'dev', requestId: 'r-1', channel: 'C1', messageTs: '1.2' },
      { type: 'request.approved', at: at(2), stage: 'dev', requestId: 'r-1', approver: 'U2' },
      { type: 'request.applied', at: at(2), stage: 'dev', requestId: 'r-1', before: { source: 1, target: 0 }, after: { source: 50, target: 50 } },
    ]);
    expect(book.get('r-1')).toEqual({
      id: 'r-1',
      kind: 'shift',
      stage: 'dev',
      requester: 'U1',
      channel: 'C1',
      from: { source: 1, target: 0 },
      to: { source: 50, target: 50 },
      percent: 50,
      createdAt: Date.parse(at(0)),
      expiresAt: Date.parse(at(15)),
      messageTs: '1.2',
      status: 'applied',
      approver: 'U2',
      approvedAt: Date.parse(at(2)),
      before: { source: 1, target: 0 },
      after: { source: 50, target: 50 },
      closedAt: Date.parse(at(2)),
    });
    expect(book.inProgress('dev')).toBeUndefined();
    expect(book.lastApplied('dev')?.id).toBe('r-1');
  });

  it('keeps an approved request in progress until it is applied or failed', () => {
    const book = RequestBook.fold([createdRecord('r-1'), { type: 'request.approved', at: at(1), stage: 'dev', requestId: 'r-1', approver: 'U2' }]);
    expect(book.inProgress('dev')?.status).toBe('approved');
    expect(book.withStatus('approved').map((r) => r.id)).toEqual(['r-1']);
  });

  it('never reopens or rewrites a final state, and takes only the first approval', () => {
    const records: JournalRecord[] = [
      createdRecord('r-1'),
      { type: 'request.rejected', at: at(1), stage: 'dev', requestId: 'r-1', by: 'U3' },
      { type: 'request.approved', at: at(2), stage: 'dev', requestId: 'r-1', approver: 'U2' },
      { type: 'request.applied', at: at(2), stage: 'dev', requestId: 'r-1', before: { source: 1, target: 0 }, after: { source: 50, target: 50 } },
      { type: 'request.expired', at: at(15), stage: 'dev', requestId: 'r-1' },
      createdRecord('r-2'),
      { type: 'request.approved', at: at(3), stage: 'dev', requestId: 'r-2', approver: 'U2' },
      { type: 'request.approved', at: at(3), stage: 'dev', requestId: 'r-2', approver: 'U4' },
      { type: 'request.failed', at: at(4), stage: 'dev', requestId: 'r-2', error: 'boom', after: { source: 1, target: 0 } },
      { type: 'request.applied', at: at(5), stage: 'dev', requestId: 'r-2', before: { source: 1, target: 0 }, after: { source: 50, target: 50 } },
    ];
    const book = RequestBook.fold(records);
    expect(book.get('r-1')).toMatchObject({ status: 'rejected', closedBy: 'U3', closedAt: Date.parse(at(1)) });
    expect(book.get('r-1')?.approver).toBeUndefined();
    expect(book.get('r-2')).toMatchObject({ status: 'failed', approver: 'U2', error: 'boom', after: { source: 1, target: 0 } });
  });

  it('ignores records of unknown requests, a duplicate creation, and records of other kinds', () => {
    const book = RequestBook.fold([
      { type: 'request.approved', at: at(1), stage: 'dev', requestId: 'r-ghost', approver: 'U2' },
      createdRecord('r-1'),
      { ...createdRecord('r-1'), requester: 'U9' },
      { type: 'prep.scaled', at: at(1), stage: 'dev', by: 'U1', service: 'svc', fromDesired: 1, toDesired: 2 },
      { type: 'future.record', at: at(1), stage: 'dev' } as unknown as JournalRecord,
    ]);
    expect(book.all().map((r) => [r.id, r.requester, r.status])).toEqual([['r-1', 'U1', 'open']]);
  });

  it('finds each stage\'s request in progress and the latest applied one', () => {
    const applied = (id: string, minute: number): JournalRecord[] => [
      createdRecord(id, 'dev', at(minute)),
      { type: 'request.approved', at: at(minute), stage: 'dev', requestId: id, approver: 'U2' },
      { type: 'request.applied', at: at(minute + 1), stage: 'dev', requestId: id, before: { source: 1, target: 0 }, after: { source: 50, target: 50 } },
    ];
    const book = RequestBook.fold([...applied('r-1', 0), ...applied('r-2', 5), createdRecord('r-3', 'gamma')]);
    expect(book.lastApplied('dev')?.id).toBe('r-2');
    expect(book.lastApplied('gamma')).toBeUndefined();
    expect(book.inProgress('gamma')?.id).toBe('r-3');
    expect(book.inProgress('dev')).toBeUndefined();
  });

  it('hands out copies, so callers cannot change the book', () => {
    const book = RequestBook.fold([createdRecord('r-1')]);
    const copy = book.get('r-1')!;
    copy.status = 'applied';
    copy.to.target = 999;
    expect(book.get('r-1')).toMatchObject({ status: 'open', to: { target: 50 } });
  });
});
