import { statusCharts } from '../../src/charts/status';
import type { MetricsSnapshot } from '../../src/core/types';
import { MINUTE_MS } from '../../src/core/types';
import { scripted } from '../support/traffic-script';

const T0 = Date.UTC(2026, 0, 1, 11, 30);
const window = { start: T0, end: T0 + 60 * MINUTE_MS };
const SHIFT_AT = T0 + 20 * MINUTE_MS + 15_000; // 11:50:15

function snapshot(): MetricsSnapshot {
  return {
    window,
    ...scripted(window, (t) => {
      const i = (t - T0) / MINUTE_MS;
      if (i === 5) return {}; // a quiet minute: no datapoints at all
      if (i < 20) return { source: { requests: 1000, http5xx: 10, latencyP99: 0.08 } };
      return { source: { requests: 100, latencyP99: 0.08 }, target: { requests: 900, http5xx: 9, latencyP99: 0.12 } };
    }),
  };
}

type Dataset = { label: string; data: (number | null)[]; type?: string; yAxisID?: string };
const datasets = (config: Record<string, unknown>) => (config.data as { datasets: Dataset[]; labels: string[] }).datasets;
const labels = (config: Record<string, unknown>) => (config.data as { labels: string[] }).labels;

describe('statusCharts', () => {
  it('draws requests per target group with gaps where there was no traffic and the applied changes marked', () => {
    const [requests] = statusCharts('dev', snapshot(), [
      { at: SHIFT_AT, label: 'shift 90%' },
      { at: T0 - 5 * MINUTE_MS, label: 'shift 10%' }, // before the window: not drawn
    ]);
    expect(requests!.filename).toBe('dev-status-requests.png');
    expect(labels(requests!.config)).toHaveLength(60);
    expect(labels(requests!.config)[0]).toBe('11:30');
    const [source, target, markers] = datasets(requests!.config);
    expect(source!.label).toBe('source proxy (ALBSourceProxy)');
    expect(source!.data[4]).toBe(1000);
    expect(source!.data[5]).toBeNull();
    expect(source!.data[25]).toBe(100);
    expect(target!.data[19]).toBeNull();
    expect(target!.data[20]).toBe(900);
    expect(markers).toMatchObject({ type: 'bar', label: 'applied: 11:50 shift 90%', yAxisID: 'y' });
    expect(markers!.data.filter((v) => v !== null)).toEqual([1050]);
    expect(markers!.data[20]).toBe(1050);
  });

  it('draws 5xx rate and p99 latency per side on two axes', () => {
    const [, errors] = statusCharts('dev', snapshot(), []);
    expect(errors!.filename).toBe('dev-status-errors-latency.png');
    const byLabel = Object.fromEntries(datasets(errors!.config).map((d) => [d.label, d]));
    expect(Object.keys(byLabel)).toEqual([
      'source proxy 5xx rate (%)',
      'source proxy p99 latency (ms)',
      'target proxy 5xx rate (%)',
      'target proxy p99 latency (ms)',
    ]);
    expect(byLabel['source proxy 5xx rate (%)']!.data[0]).toBe(1);
    expect(byLabel['source proxy 5xx rate (%)']!.data[25]).toBe(0); // requests, no 5xx datapoint: 0%
    expect(byLabel['target proxy 5xx rate (%)']!.data[0]).toBeNull(); // no requests: no rate
    expect(byLabel['target proxy p99 latency (ms)']!.data[30]).toBe(120);
    expect(byLabel['target proxy p99 latency (ms)']!.yAxisID).toBe('y1');
    const scales = (errors!.config.options as { scales: Record<string, { position?: string }> }).scales;
    expect(scales.y1!.position).toBe('right');
  });

  it('leaves out charts without any data rather than drawing them empty', () => {
    const empty: MetricsSnapshot = { window, source: {}, target: {}, loadBalancer: {}, missing: ['every metric: AccessDenied'] };
    expect(statusCharts('dev', empty, [{ at: SHIFT_AT, label: 'shift 90%' }])).toEqual([]);
  });
});
