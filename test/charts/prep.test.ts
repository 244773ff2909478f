import { prepCharts } from '../../src/charts/prep';
import { computeBaseline } from '../../src/core/baseline';
import { MINUTE_MS, type MetricsSnapshot } from '../../src/core/types';

const START = Date.UTC(2026, 0, 1, 11, 30);
const window = { start: START, end: START + 30 * MINUTE_MS };
const at = (minute: number) => START + minute * MINUTE_MS;

function snapshot(): MetricsSnapshot {
  const everyMinuteBut = (skip: number[], v: (m: number) => number) =>
    Array.from({ length: 30 }, (_, m) => m)
      .filter((m) => !skip.includes(m))
      .map((m) => ({ t: at(m), v: v(m) }));
  return {
    window,
    source: {
      requests: everyMinuteBut([10, 11], () => 200),
      http5xx: [{ t: at(3), v: 4 }],
      latencyAvg: everyMinuteBut([10, 11], () => 0.05),
      latencyP99: everyMinuteBut([10, 11], () => 0.3),
    },
    target: {},
    loadBalancer: {
      activeConnections: everyMinuteBut([10, 11], () => 80),
      newConnections: everyMinuteBut([10, 11], () => 5),
    },
    missing: [],
  };
}

type Dataset = { label: string; data: (number | null)[]; yAxisID?: string; spanGaps?: boolean; borderDash?: number[] };
type Config = {
  type: string;
  data: { labels: string[]; datasets: Dataset[] };
  options: { scales: Record<string, { position?: string; title?: { text: string }; grid?: unknown }>; plugins: { title: { display: boolean; text: string }; subtitle?: { text: string } } };
};

describe('prepCharts', () => {
  it('draws requests with the 5xx rate on a second axis, minute by minute, gaps left as gaps', () => {
    const snap = snapshot();
    const [requests] = prepCharts('dev', snap, computeBaseline(snap));
    expect(requests).toMatchObject({ filename: 'dev-prep-requests.png', width: 800, height: 400 });
    expect(requests!.title).toBe('dev: source proxy requests and 5xx rate (11:30-12:00 UTC, 30 min)');
    const config = requests!.config as unknown as Config;
    expect(config.type).toBe('line');
    expect(config.data.labels).toHaveLength(30);
    expect(config.data.labels.slice(0, 3)).toEqual(['11:30', '11:31', '11:32']);
    expect(config.data.labels.at(-1)).toBe('11:59');

    const [req, rate, baseline] = config.data.datasets;
    expect(req).toMatchObject({ label: 'requests per minute', yAxisID: 'y', spanGaps: false });
    expect(req!.data[9]).toBe(200);
    expect(req!.data[10]).toBeNull(); // no datapoint: no traffic, not zero
    expect(req!.data[11]).toBeNull();
    expect(rate).toMatchObject({ label: '5xx rate (%)', yAxisID: 'y1' });
    expect(rate!.data[3]).toBe(2); // 4 of 200
    expect(rate!.data[4]).toBe(0); // requests but no 5xx datapoint: 0%
    expect(rate!.data[10]).toBeNull(); // no requests: no rate
    expect(baseline).toMatchObject({ label: 'baseline 200/min', borderDash: [6, 4] });
    expect(new Set(baseline!.data)).toEqual(new Set([200]));

    expect(config.options.scales.y!.title!.text).toBe('requests per minute');
    expect(config.options.scales.y1).toMatchObject({ position: 'right', title: { text: '5xx rate (%)' }, grid: { drawOnChartArea: false } });
    expect(config.options.scales.x!.title!.text).toBe('time (UTC)');
    expect(config.options.plugins.title).toEqual({ display: true, text: 'dev: source proxy requests and 5xx rate' });
    expect(config.options.plugins.subtitle!.text).toContain('baseline: 200 req/min, 5xx 0.071%, avg 50 ms, p99 300 ms');
  });

  it('draws active vs new connections of the load balancer', () => {
    const snap = snapshot();
    const charts = prepCharts('dev', snap, computeBaseline(snap));
    expect(charts.map((c) => c.filename)).toEqual(['dev-prep-requests.png', 'dev-prep-connections.png']);
    const config = charts[1]!.config as unknown as Config;
    expect(config.data.datasets.map((d) => d.label)).toEqual(['active connections', 'new connections']);
    expect(config.data.datasets[0]!.data[0]).toBe(80);
    expect(config.data.datasets[1]!.data[10]).toBeNull();
    expect(config.options.scales.y!.title!.text).toBe('connections per minute');
    expect(config.options.plugins.subtitle!.text).toContain('high connection reuse'); // 200 / 5 = 40 per connection
  });

  it('leaves out the 5xx rate when it was not fetched, rather than drawing it as zero', () => {
    const snap = snapshot();
    delete snap.source.http5xx;
    const config = prepCharts('dev', snap)[0]!.config as unknown as Config;
    expect(config.data.datasets.map((d) => d.label)).toEqual(['requests per minute']);
    expect(config.options.scales.y1).toBeUndefined();
    expect(config.options.plugins.subtitle!.text).toContain('no baseline');
  });

  it('draws no chart without data', () => {
    expect(prepCharts('dev', { window, source: {}, target: {}, loadBalancer: {}, missing: ['everything'] })).toEqual([]);
    expect(prepCharts('dev', { window, source: { requests: [] }, target: {}, loadBalancer: { activeConnections: [] }, missing: [] })).toEqual([]);
  });

  it('is plain JSON (no functions), so any renderer can take it', () => {
    const snap = snapshot();
    for (const chart of prepCharts('dev', snap, computeBaseline(snap))) {
      expect(JSON.parse(JSON.stringify(chart.config))).toEqual(chart.config);
    }
  });
});
