import { stageHistory } from '../../src/core/history';
import type { Baseline, JournalRecord } from '../../src/core/journal';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

const baseline: Baseline = {
  start: Date.UTC(2026, 0, 1, 11, 0),
  end: Date.UTC(2026, 0, 1, 11, 30),
  minutesWithTraffic: 30,
  requestsPerMinute: 1234.4,
  http2xx: 1000,
  http3xx: 0,
  http4xx: 10,
  http5xx: 2,
  errorRate5xx: 0.0016,
  latencyAvg: 0.02,
  latencyP99: 0.12,
  activeConnections: 40,
  newConnections: 3,
  missing: [],
};

const records: JournalRecord[] = [
  { type: 'prep.scaled', at: at(0), stage: 'dev', by: 'U1', service: 'migration-dev-target-cluster-proxy', fromDesired: 1, toDesired: 3 },
  { type: 'prep.baseline', at: at(1), stage: 'dev', by: 'U1', baseline },
  {
    type: 'request.created',
    at: at(2),
    stage: 'dev',
    requestId: 'r-1',
    kind: 'shift',
    requester: 'U1',
    channel: 'C1',
    from: { source: 1, target: 0 },
    to: { source: 75, target: 25 },
    percent: 25,
    expiresAt: at(17),
  },
  { type: 'request.posted', at: at(2), stage: 'dev', requestId: 'r-1', channel: 'C1', messageTs: '1.1' },
  { type: 'request.approved', at: at(3), stage: 'dev', requestId: 'r-1', approver: 'U2' },
  { type: 'request.applied', at: at(3), stage: 'dev', requestId: 'r-1', before: { source: 1, target: 0 }, after: { source: 75, target: 25 } },
  { type: 'watch.started', at: at(3), stage: 'dev', requestId: 'r-1', channel: 'C1', threadTs: '1.1', until: at(63) },
  { type: 'guardrail.breached', at: at(6), stage: 'dev', requestId: 'r-1', guardrail: '5xx rate', detail: 'target 4.1% vs source 0.2% for 2 minutes' },
  { type: 'watch.ended', at: at(7), stage: 'dev', requestId: 'r-1', reason: 'superseded' },
  {
    type: 'request.created',
    at: at(4),
    stage: 'gamma',
    requestId: 'r-2',
    kind: 'fallback',
    requester: 'U3',
    channel: 'C1',
    from: { source: 0, target: 1 },
    to: { source: 100, target: 0 },
    percent: 0,
    expiresAt: at(19),
  },
  { type: 'request.failed', at: at(8), stage: 'dev', requestId: 'r-9', error: 'AccessDenied <arn>' },
];

describe('stageHistory', () => {
  it("tells the stage's story in words, newest first, without the other stages or where messages were posted", () => {
    const page = stageHistory(records, 'dev', 1, 20);
    expect(page).toMatchObject({ stage: 'dev', page: 1, pageSize: 20, totalPages: 1, totalEntries: 9 });
    expect(page.entries.map((e) => e.text)).toEqual([
      'Failed request r-9: AccessDenied <arn>',
      'Stopped watching after shift 25% of new traffic to the target proxy (r-1, asked by <@U1>): a newer change replaced it',
      'Guardrail 5xx rate breached after shift 25% of new traffic to the target proxy (r-1, asked by <@U1>): target 4.1% vs source 0.2% for 2 minutes',
      'Watching after shift 25% of new traffic to the target proxy (r-1, asked by <@U1>) until 2026-01-01 13:03 UTC',
      'Applied shift 25% of new traffic to the target proxy (r-1, asked by <@U1>), approved by <@U2>: ' +
        'source 1 / target 0 (all new traffic to the source proxy) → source 75 / target 25 (25% of new traffic to the target proxy) (as AWS reports)',
      '<@U2> approved shift 25% of new traffic to the target proxy (r-1, asked by <@U1>)',
      '<@U1> asked to shift 25% of new traffic to the target proxy (r-1): source 1 / target 0 (all new traffic to the source proxy) → ' +
        'source 75 / target 25 (25% of new traffic to the target proxy); expires 2026-01-01 12:17 UTC',
      '<@U1> ran prep: baseline of the source proxy over 2026-01-01 11:00 UTC – 2026-01-01 11:30 UTC: 1234 requests/min, 5xx 0.16%, p99 120 ms',
      '<@U1> ran prep: scaled migration-dev-target-cluster-proxy from 1 to 3 tasks',
    ]);
    expect(page.entries[0]).toMatchObject({ type: 'request.failed', requestId: 'r-9', at: Date.parse(at(8)) });
  });

  it('pages, and a page past the end gives the last page', () => {
    expect(stageHistory(records, 'dev', 1, 4).entries).toHaveLength(4);
    expect(stageHistory(records, 'dev', 3, 4)).toMatchObject({ page: 3, totalPages: 3, entries: [expect.objectContaining({ type: 'prep.scaled' })] });
    expect(stageHistory(records, 'dev', 99, 4).page).toBe(3);
    expect(stageHistory(records, 'dev', 0, 4).page).toBe(1);
  });

  it('has one empty page for a stage without records', () => {
    expect(stageHistory(records, 'wave1')).toEqual({ stage: 'wave1', page: 1, pageSize: 10, totalPages: 1, totalEntries: 0, entries: [] });
  });

  it('keeps journal order reversed for records written in the same minute', () => {
    const page = stageHistory(records, 'dev');
    const sameMinute = page.entries.filter((e) => e.at === Date.parse(at(3))).map((e) => e.type);
    expect(sameMinute).toEqual(['watch.started', 'request.applied', 'request.approved']);
  });
});
