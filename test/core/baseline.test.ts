import { computeBaseline, connectionReuse } from '../../src/core/baseline';
import type { Baseline } from '../../src/core/journal';
import { MINUTE_MS, type MetricSeries, type MetricsSnapshot } from '../../src/core/types';

const START = Date.UTC(2026, 0, 1, 11, 30);
const window = { start: START, end: START + 30 * MINUTE_MS };
const at = (minute: number) => START + minute * MINUTE_MS;
const series = (values: Record<number, number>): MetricSeries =>
  Object.entries(values).map(([m, v]) => ({ t: at(Number(m)), v }));

function snapshot(parts: Partial<MetricsSnapshot>): MetricsSnapshot {
  return { window, source: {}, target: {}, loadBalancer: {}, missing: [], ...parts };
}

describe('computeBaseline', () => {
  it('averages over minutes with traffic only: a missing minute is no traffic, never zero', () => {
    const b = computeBaseline(
      snapshot({
        source: {
          requests: series({ 0: 100, 1: 300, 5: 200 }), // 27 minutes without a datapoint
          http2xx: series({ 0: 90, 1: 290, 5: 195 }),
          http4xx: series({ 0: 8, 1: 6 }),
          http5xx: series({ 0: 2, 1: 4, 5: 5 }),
        },
      }),
    );
    expect(b.minutesWithTraffic).toBe(3);
    expect(b.requestsPerMinute).toBe(200);
    expect(b.http2xx).toBe(575);
    expect(b.http3xx).toBe(0);
    expect(b.http4xx).toBe(14);
    expect(b.http5xx).toBe(11);
    expect(b.errorRate5xx).toBeCloseTo(11 / 600);
    expect(b.start).toBe(window.start);
    expect(b.end).toBe(window.end);
  });

  it('weights average latency by requests and takes the median of per-minute p99s', () => {
    const b = computeBaseline(
      snapshot({
        source: {
          requests: series({ 0: 900, 1: 100 }),
          latencyAvg: series({ 0: 0.1, 1: 1.0 }),
          latencyP99: series({ 0: 0.3, 1: 5.0, 2: 0.4 }),
        },
      }),
    );
    expect(b.latencyAvg).toBeCloseTo((900 * 0.1 + 100 * 1.0) / 1000); // 0.19, not the plain mean 0.55
    expect(b.latencyP99).toBeCloseTo(0.4); // one slow minute (5 s) does not set the bar
  });

  it('takes the middle of an even number of p99s', () => {
    const b = computeBaseline(snapshot({ source: { requests: series({ 0: 1 }), latencyP99: series({ 0: 0.2, 1: 0.4, 2: 0.6, 3: 9 }) } }));
    expect(b.latencyP99).toBeCloseTo(0.5);
  });

  it('gives nulls, not zeros, without traffic or data', () => {
    const b = computeBaseline(snapshot({ source: { requests: [] }, missing: ['target p99 latency: AccessDenied'] }));
    expect(b.minutesWithTraffic).toBe(0);
    expect(b.requestsPerMinute).toBe(0);
    expect(b.errorRate5xx).toBeNull();
    expect(b.latencyAvg).toBeNull();
    expect(b.latencyP99).toBeNull();
    expect(b.activeConnections).toBeNull();
    expect(b.newConnections).toBeNull();
    expect(b.missing).toEqual(['target p99 latency: AccessDenied']);
  });

  it('ignores datapoints outside the window (the incomplete newest minute)', () => {
    const b = computeBaseline(snapshot({ source: { requests: [...series({ 0: 100 }), { t: window.end, v: 5 }, { t: START - MINUTE_MS, v: 7 }] } }));
    expect(b.minutesWithTraffic).toBe(1);
    expect(b.requestsPerMinute).toBe(100);
  });

  it('averages connections per minute over the minutes with traffic, as status does', () => {
    const b = computeBaseline(
      snapshot({
        source: { requests: series({ 0: 100, 1: 100, 2: 100 }) },
        loadBalancer: { activeConnections: series({ 0: 40, 1: 60 }), newConnections: series({ 0: 2, 1: 4 }) },
      }),
    );
    // Minute 2 carried traffic without a connection datapoint: zero, as CloudWatch sends none for a zero count.
    expect(b.activeConnections).toBeCloseTo(100 / 3);
    expect(b.newConnections).toBe(2);
  });
});

describe('connectionReuse', () => {
  const base: Baseline = {
    start: window.start,
    end: window.end,
    minutesWithTraffic: 30,
    requestsPerMinute: 1200,
    http2xx: 0,
    http3xx: 0,
    http4xx: 0,
    http5xx: 0,
    errorRate5xx: 0,
    latencyAvg: 0.05,
    latencyP99: 0.2,
    activeConnections: 400,
    newConnections: 30,
    missing: [],
  };

  it('reads 40 requests per new connection as high reuse and says what it means for the shift', () => {
    const reuse = connectionReuse(base)!;
    expect(reuse.reading).toBe('high');
    expect(reuse.requestsPerNewConnection).toBe(40);
    expect(reuse.text).toContain('about 40 requests per new connection');
    expect(reuse.text).toContain('stay on the source proxy until they reconnect');
  });

  it.each([
    [1200, 'low'],
    [300, 'moderate'],
    [61, 'moderate'], // 19.7 per connection
    [60, 'high'], // 20 per connection: the threshold
  ] as const)('%d new connections per minute for 1200 requests is %s', (fresh, reading) => {
    expect(connectionReuse({ ...base, newConnections: fresh })!.reading).toBe(reading);
  });

  it('treats no new connection at all while traffic flows as high reuse', () => {
    const reuse = connectionReuse({ ...base, newConnections: 0 })!;
    expect(reuse.reading).toBe('high');
    expect(reuse.requestsPerNewConnection).toBeNull();
  });

  it('has no reading without traffic or without connection data', () => {
    expect(connectionReuse({ ...base, minutesWithTraffic: 0, requestsPerMinute: 0 })).toBeUndefined();
    expect(connectionReuse({ ...base, newConnections: null })).toBeUndefined();
  });
});
