import { chartUploadFailedNote, renderPrepCharts } from '../../src/core/prep-charts';
import type { PrepCompleted } from '../../src/core/prep';
import { summarizeHealth } from '../../src/core/health';
import { MINUTE_MS, type MetricsSnapshot } from '../../src/core/types';
import { FakeCharts, serviceCounts, stageResources } from '../support/fake-ports';

const START = Date.UTC(2026, 0, 1, 11, 30);
const snapshot: MetricsSnapshot = {
  window: { start: START, end: START + 30 * MINUTE_MS },
  source: { requests: [{ t: START, v: 100 }] },
  target: {},
  loadBalancer: { activeConnections: [{ t: START, v: 10 }], newConnections: [{ t: START, v: 5 }] },
  missing: [],
};

function outcome(snap?: MetricsSnapshot): PrepCompleted {
  const resources = stageResources('dev');
  const healthy = summarizeHealth({ targetGroup: resources.targetProxyTargetGroup, targets: [{ id: '10.0.1.1', state: 'healthy' }] });
  return {
    kind: 'completed',
    stage: 'dev',
    user: 'U1',
    startedAt: START,
    finishedAt: START + 31 * MINUTE_MS,
    steps: [],
    verdict: 'ready',
    reasons: [],
    warnings: [],
    resources,
    captureProxy: serviceCounts('capture', 1),
    targetProxy: serviceCounts('target', 1),
    sourceHealth: healthy,
    targetHealth: healthy,
    weights: { source: 1, target: 0 },
    stickiness: { enabled: false },
    waitTimedOut: false,
    snapshot: snap,
  };
}

describe('renderPrepCharts', () => {
  it('renders every chart', async () => {
    const charts = new FakeCharts();
    const result = await renderPrepCharts(charts, outcome(snapshot));
    expect(result.note).toBeUndefined();
    expect(result.charts.map((c) => c.spec.filename)).toEqual(['dev-prep-requests.png', 'dev-prep-connections.png']);
    expect(result.charts[0]!.png.length).toBeGreaterThan(0);
  });

  it('turns a renderer that is down into a note for a text-only summary', async () => {
    const charts = new FakeCharts();
    charts.down = true;
    const result = await renderPrepCharts(charts, outcome(snapshot));
    expect(result.charts).toEqual([]);
    expect(result.note).toBe('Charts could not be rendered, so this summary is text only. chart renderer unreachable');
  });

  it('says why there are no charts without metrics', async () => {
    expect((await renderPrepCharts(new FakeCharts(), outcome())).note).toBe('No charts: CloudWatch metrics were not available.');
    const empty = { ...snapshot, source: {}, loadBalancer: {} };
    expect((await renderPrepCharts(new FakeCharts(), outcome(empty))).note).toMatch(/no datapoints/);
  });

  it('words an upload failure', () => {
    expect(chartUploadFailedNote(new Error('missing_scope'))).toBe('Charts could not be uploaded to the channel, so this summary is text only: missing_scope');
  });
});
