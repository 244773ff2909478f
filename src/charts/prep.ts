// Prep's charts (runbook steps 4-6 as pictures): the source proxy's requests with its 5xx rate, and the load
// balancer's active vs new connections, over the baseline window. Pure data: Chart.js 4 configurations.
import { connectionReuse } from '../core/baseline';
import type { Baseline } from '../core/journal';
import { hhmm, msText } from '../core/format';
import type { ChartSpec } from '../core/ports';
import { MINUTE_MS, type MetricsSnapshot } from '../core/types';
import {
  CHART_HEIGHT,
  CHART_WIDTH,
  COLOURS,
  alignToMinutes,
  hasData,
  line,
  lineChartConfig,
  minuteLabels,
  rounded,
  referenceLine,
  valueAxis,
} from './common';

function formatSeconds(seconds: number | null): string {
  if (seconds === null) return 'n/a';
  return seconds < 1 ? msText(seconds) : `${rounded(seconds)} s`;
}

function windowText(snapshot: MetricsSnapshot): string {
  const minutes = Math.round((snapshot.window.end - snapshot.window.start) / MINUTE_MS);
  return `${hhmm(snapshot.window.start)}-${hhmm(snapshot.window.end)} UTC, ${minutes} min`;
}

/** 5xx responses per request, in percent, per minute; null where the minute had no requests. */
function errorRatePercent(snapshot: MetricsSnapshot): (number | null)[] | undefined {
  if (snapshot.source.http5xx === undefined) return undefined; // not fetched: do not pretend it was zero
  const requests = alignToMinutes(snapshot.source.requests, snapshot.window);
  const errors = alignToMinutes(snapshot.source.http5xx, snapshot.window);
  // CloudWatch sends no 5xx datapoint for a minute without 5xx responses: with requests, that is 0%.
  return requests.map((r, i) => (r === null || r <= 0 ? null : rounded(((errors[i] ?? 0) / r) * 100, 3)));
}

function requestsChart(stage: string, snapshot: MetricsSnapshot, baseline?: Baseline): ChartSpec | undefined {
  const labels = minuteLabels(snapshot.window);
  const requests = alignToMinutes(snapshot.source.requests, snapshot.window);
  if (!hasData(requests)) return undefined;
  const datasets = [line('requests per minute', requests, COLOURS.source, { yAxisID: 'y' })];
  const axes: Record<string, Record<string, unknown>> = { y: valueAxis({ title: 'requests per minute' }) };
  const rate = errorRatePercent(snapshot);
  if (rate) {
    datasets.push(line('5xx rate (%)', rate, COLOURS.error, { yAxisID: 'y1', borderDash: [4, 2] }));
    // Keep a flat 0% line at the bottom instead of a y1 axis stretched to a hairline.
    axes.y1 = valueAxis({ title: '5xx rate (%)', secondary: true, suggestedMax: 1 });
  }
  if (baseline && baseline.minutesWithTraffic > 0) {
    datasets.push(referenceLine(`baseline ${Math.round(baseline.requestsPerMinute)}/min`, rounded(baseline.requestsPerMinute), labels.length));
  }
  const subtitle = baseline
    ? `baseline: ${Math.round(baseline.requestsPerMinute)} req/min, 5xx ${
        baseline.errorRate5xx === null ? 'n/a' : `${rounded(baseline.errorRate5xx * 100, 3)}%`
      }, avg ${formatSeconds(baseline.latencyAvg)}, p99 ${formatSeconds(baseline.latencyP99)}`
    : 'no baseline';
  return {
    title: `${stage}: source proxy requests and 5xx rate (${windowText(snapshot)})`,
    filename: `${stage}-prep-requests.png`,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    config: lineChartConfig({
      title: `${stage}: source proxy requests and 5xx rate`,
      subtitle: `${windowText(snapshot)}; ${subtitle}`,
      labels,
      datasets,
      axes,
    }),
  };
}

function connectionsChart(stage: string, snapshot: MetricsSnapshot, baseline?: Baseline): ChartSpec | undefined {
  const labels = minuteLabels(snapshot.window);
  const active = alignToMinutes(snapshot.loadBalancer.activeConnections, snapshot.window);
  const fresh = alignToMinutes(snapshot.loadBalancer.newConnections, snapshot.window);
  if (!hasData(active) && !hasData(fresh)) return undefined;
  const reuse = baseline ? connectionReuse(baseline) : undefined;
  return {
    title: `${stage}: load balancer connections (${windowText(snapshot)})`,
    filename: `${stage}-prep-connections.png`,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    config: lineChartConfig({
      title: `${stage}: active vs new connections (load balancer)`,
      subtitle: `${windowText(snapshot)}${reuse ? `; ${reuse.reading} connection reuse` : ''}`,
      labels,
      datasets: [
        line('active connections', active, COLOURS.activeConnections, { yAxisID: 'y' }),
        line('new connections', fresh, COLOURS.newConnections, { yAxisID: 'y' }),
      ],
      axes: { y: valueAxis({ title: 'connections per minute' }) },
    }),
  };
}

/**
 * The charts prep uploads, in order: requests with 5xx rate, then connections. A chart whose data is entirely
 * absent (not fetched, or no traffic in the window) is left out rather than drawn empty.
 */
export function prepCharts(stage: string, snapshot: MetricsSnapshot, baseline?: Baseline): ChartSpec[] {
  return [requestsChart(stage, snapshot, baseline), connectionsChart(stage, snapshot, baseline)].filter(
    (c): c is ChartSpec => c !== undefined,
  );
}
