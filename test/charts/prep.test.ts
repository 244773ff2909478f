import { InProcessChartRenderer } from '../../src/adapters/charts/in-process';
import { SIDE_COLOURS } from '../../src/charts/panels';
import { prepChart } from '../../src/charts/prep';
import { computeBaseline } from '../../src/core/baseline';
import { MINUTE_MS, type MetricsSnapshot } from '../../src/core/types';
import { chartJs4Problems } from '../support/chart-config';
import { readPng } from '../support/png';

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

type Dataset = { label: string; data: (number | null)[]; yAxisID: string; borderDash?: number[] };
type Config = {
  data: { labels: string[]; datasets: Dataset[] };
  options: { scales: Record<string, unknown>; plugins: { title: { text: string[] }; subtitle: { text: string[] } } };
};

describe('prepChart', () => {
  it('stacks requests, 5xx rate and p99 of the source proxy, with the baseline dashed and gaps left as gaps', () => {
    const snap = snapshot();
    const spec = prepChart('dev', snap, computeBaseline(snap))!;
    expect(spec.filename).toBe('dev-prep.png');
    expect(chartJs4Problems(spec)).toEqual([]);
    const config = spec.config as unknown as Config;
    expect(config.data.labels).toHaveLength(30);
    const panel = (id: string) => config.data.datasets.filter((d) => d.yAxisID === id);
    const [reqBaseline, requests] = panel('yRequests');
    expect(reqBaseline).toMatchObject({ label: 'baseline', borderDash: [8, 5] });
    expect(new Set(reqBaseline!.data)).toEqual(new Set([200]));
    expect(requests!.data[9]).toBe(200);
    expect(requests!.data[10]).toBeNull(); // no datapoint: no traffic, not zero
    const rate = panel('yErrors').find((d) => d.label === 'source proxy')!;
    expect(rate.data[3]).toBe(2); // 4 of 200
    expect(rate.data[4]).toBe(0); // requests but no 5xx datapoint: 0%
    expect(rate.data[10]).toBeNull(); // no requests: no rate
    expect(panel('yLatency').find((d) => d.label === 'source proxy')!.data[0]).toBe(300);
    expect(config.options.plugins.title.text).toEqual([
      'dev · baseline 200 req/min · 5xx 0.07% · p99 300 ms',
      '40 requests per new connection: reuse high', // 200 / 5
    ]);
    expect(config.options.plugins.subtitle.text).toEqual(['source proxy (blue), baseline dashed · 11:30-12:00 UTC, 30 min']);
  });

  it('draws it: each panel shows the source proxy', async () => {
    const snap = snapshot();
    const spec = prepChart('dev', snap, computeBaseline(snap))!;
    const picture = await readPng(await new InProcessChartRenderer().render(spec));
    expect([picture.width, picture.height]).toEqual([spec.width * 2, spec.height * 2]);
    for (const [from, to] of [[0.16, 0.4], [0.44, 0.62], [0.67, 0.86]] as const) {
      const band = { x0: 0, x1: picture.width, y0: Math.round(picture.height * from), y1: Math.round(picture.height * to) };
      expect(picture.count(SIDE_COLOURS.source, band)).toBeGreaterThan(300);
    }
  });

  it('leaves the 5xx rate out when it was not fetched, rather than drawing it as zero', () => {
    const snap = snapshot();
    delete snap.source.http5xx;
    const config = prepChart('dev', snap)!.config as unknown as Config;
    expect(config.data.datasets.find((d) => d.yAxisID === 'yErrors')!.data.every((v) => v === null)).toBe(true);
    expect(config.options.plugins.title.text).toEqual(['dev · prep · no baseline: no requests in the window']);
  });

  it('draws no chart without requests', () => {
    expect(prepChart('dev', { window, source: {}, target: {}, loadBalancer: {}, missing: ['everything'] })).toBeUndefined();
    expect(prepChart('dev', { window, source: { requests: [] }, target: {}, loadBalancer: {}, missing: [] })).toBeUndefined();
  });
});
