// What a restarted bot reads of its watches from the journal, as data.
import type { JournalRecord } from '../../src/core/journal';
import { alreadySaid, openWatches, watchInfoFromJournal } from '../../src/core/watch-journal';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

function started(requestId: string, minute: number, extra: Partial<Extract<JournalRecord, { type: 'watch.started' }>> = {}) {
  return {
    type: 'watch.started' as const,
    at: at(minute),
    stage: 'dev',
    requestId,
    channel: 'C1',
    threadTs: '1.1',
    until: at(minute + 60),
    appliedWeights: { source: 90, target: 10 },
    appliedAt: at(minute),
    ...extra,
  };
}

describe('openWatches', () => {
  it('keeps each request\'s newest watch, in the order the watches started, and drops ended ones', () => {
    const records: JournalRecord[] = [
      started('r-1', 0),
      started('r-2', 1),
      { type: 'watch.ended', at: at(2), stage: 'dev', requestId: 'r-2', reason: 'completed' },
      started('r-3', 3),
      started('r-1', 4, { appliedWeights: { source: 75, target: 25 } }),
    ];
    const open = openWatches(records);
    expect(open.map((r) => r.requestId)).toEqual(['r-3', 'r-1']);
    expect(open[1]!.appliedWeights).toEqual({ source: 75, target: 25 });
  });
});

describe('watchInfoFromJournal', () => {
  it('takes the newest progress message and derives the mode from the weights', () => {
    const r = started('r-1', 0);
    const records: JournalRecord[] = [
      r,
      { type: 'watch.progress-posted', at: at(1), stage: 'dev', requestId: 'r-1', channel: 'C1', messageTs: '2.2' },
      { type: 'watch.progress-posted', at: at(2), stage: 'dev', requestId: 'r-1', channel: 'C1', messageTs: '3.3' },
    ];
    expect(watchInfoFromJournal(r, records)).toMatchObject({ requestId: 'r-1', messageTs: '3.3', appliedWeights: { source: 90, target: 10 }, until: Date.parse(at(60)) });
  });

  it('is undefined when the journal has no applied weights for the watch', () => {
    const r = started('r-1', 0, { appliedWeights: undefined });
    delete (r as { appliedWeights?: unknown }).appliedWeights;
    expect(watchInfoFromJournal(r, [r])).toBeUndefined();
  });
});

describe('alreadySaid', () => {
  it('counts only this watch\'s alerts and outside changes since it started', () => {
    const r = started('r-1', 10);
    const records: JournalRecord[] = [
      { type: 'guardrail.breached', at: at(5), stage: 'dev', requestId: 'r-1', guardrail: 'p99-latency', detail: 'before this watch' },
      r,
      { type: 'guardrail.breached', at: at(11), stage: 'dev', requestId: 'r-1', guardrail: 'error-rate', detail: 'x' },
      { type: 'guardrail.breached', at: at(12), stage: 'dev', requestId: 'r-9', guardrail: 'elb-5xx', detail: 'another request' },
      { type: 'listener.changed-outside', at: at(13), stage: 'dev', requestId: 'r-1', weights: { source: 50, target: 50 }, description: 'first' },
      { type: 'listener.changed-outside', at: at(14), stage: 'dev', requestId: 'r-1', weights: { source: 60, target: 40 }, description: 'newest' },
    ];
    const said = alreadySaid(r, records);
    expect([...said.alerted]).toEqual(['error-rate']);
    expect(said.outside).toBe('newest');
  });

  it('has no outside change when none was said', () => {
    const r = started('r-1', 0);
    expect(alreadySaid(r, [r])).toEqual({ alerted: new Set() });
  });
});
