// Status charts: requests per minute to each proxy target group over the last 60 minutes with the moments
// of applied changes marked, and each side's 5xx rate and p99 latency. Pure data: Chart.js 4 configurations,
// no plugin needed (the change markers are a thin bar dataset, so any Chart.js 4 renderer draws them).
import { hhmm } from '../core/format';
import type { ChartSpec } from '../core/ports';
import { MINUTE_MS, type MetricsSnapshot, type Side } from '../core/types';
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
  minutesOf,
  valueAxis,
  type LineDataset,
} from './common';

/** A moment to mark, e.g. `{ at, label: 'shift 10%' }`. */
export interface ChartChange {
  at: number;
  label: string;
}

const SIDE_LABEL: Record<Side, string> = { source: 'source proxy', target: 'target proxy' };
const SIDE_COLOUR: Record<Side, string> = { source: COLOURS.source, target: COLOURS.target };

function windowText(snapshot: MetricsSnapshot): string {
  return `${hhmm(snapshot.window.start)}-${hhmm(snapshot.window.end)} UTC`;
}

/** Changes inside the window, at the minute they happened, oldest first. */
export function changesInWindow(snapshot: MetricsSnapshot, changes: ChartChange[]): Array<ChartChange & { index: number }> {
  const minutes = minutesOf(snapshot.window);
  return changes
    .map((c) => ({ ...c, index: minutes.indexOf(Math.floor(c.at / MINUTE_MS) * MINUTE_MS) }))
    .filter((c) => c.index >= 0)
    .sort((a, b) => a.at - b.at);
}

/**
 * A full-height thin bar at each change minute: reads as a vertical line through the chart. Its legend
 * entry names the changes ("12:05 shift 10%, 12:20 shift 100%").
 */
function changeMarkers(snapshot: MetricsSnapshot, changes: ChartChange[], top: number): LineDataset | undefined {
  const inWindow = changesInWindow(snapshot, changes);
  if (inWindow.length === 0) return undefined;
  const data: (number | null)[] = minutesOf(snapshot.window).map(() => null);
  for (const c of inWindow) data[c.index] = top;
  const names = inWindow.map((c) => `${hhmm(c.at)} ${c.label}`);
  const shown = names.length > 4 ? [...names.slice(-4), `(+${names.length - 4} earlier)`] : names;
  return {
    type: 'bar',
    label: `applied: ${shown.join(', ')}`,
    data,
    yAxisID: 'y',
    backgroundColor: COLOURS.marker,
    borderColor: COLOURS.marker,
    barThickness: 2,
    order: 10, // drawn behind the lines
  };
}

function requestsChart(stage: string, snapshot: MetricsSnapshot, changes: ChartChange[]): ChartSpec | undefined {
  const source = alignToMinutes(snapshot.source.requests, snapshot.window);
  const target = alignToMinutes(snapshot.target.requests, snapshot.window);
  if (!hasData(source) && !hasData(target)) return undefined;
  const datasets: LineDataset[] = [
    line(`${SIDE_LABEL.source} (ALBSourceProxy)`, source, SIDE_COLOUR.source, { yAxisID: 'y' }),
    line(`${SIDE_LABEL.target} (ALBTargetProxy)`, target, SIDE_COLOUR.target, { yAxisID: 'y' }),
  ];
  const peak = Math.max(1, ...source.map((v) => v ?? 0), ...target.map((v) => v ?? 0));
  const top = Math.ceil(peak * 1.05);
  const markers = changeMarkers(snapshot, changes, top);
  if (markers) datasets.push(markers);
  const config = lineChartConfig({
    title: `${stage}: requests per minute per target group`,
    subtitle: `${windowText(snapshot)}; gaps: minutes without requests`,
    labels: minuteLabels(snapshot.window),
    datasets,
    axes: { y: { ...valueAxis({ title: 'requests per minute' }), suggestedMax: top } },
  });
  return {
    title: `${stage}: requests per target group (${windowText(snapshot)})`,
    filename: `${stage}-status-requests.png`,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    config,
  };
}

/** 5xx per request in percent per minute; null where the minute had no requests or 5xx was not fetched. */
function errorRatePercent(snapshot: MetricsSnapshot, side: Side): (number | null)[] {
  const requests = alignToMinutes(snapshot[side].requests, snapshot.window);
  if (snapshot[side].http5xx === undefined) return requests.map(() => null);
  const errors = alignToMinutes(snapshot[side].http5xx, snapshot.window);
  // No 5xx datapoint in a minute with requests means no 5xx responses: 0%.
  return requests.map((r, i) => (r === null || r <= 0 ? null : rounded(((errors[i] ?? 0) / r) * 100, 3)));
}

function errorsLatencyChart(stage: string, snapshot: MetricsSnapshot): ChartSpec | undefined {
  const datasets: LineDataset[] = [];
  for (const side of ['source', 'target'] as const) {
    const rate = errorRatePercent(snapshot, side);
    const p99 = alignToMinutes(snapshot[side].latencyP99, snapshot.window, 1000).map((v) => (v === null ? null : rounded(v, 1)));
    if (hasData(rate)) datasets.push(line(`${SIDE_LABEL[side]} 5xx rate (%)`, rate, SIDE_COLOUR[side], { yAxisID: 'y', borderDash: [4, 2] }));
    if (hasData(p99)) datasets.push(line(`${SIDE_LABEL[side]} p99 latency (ms)`, p99, SIDE_COLOUR[side], { yAxisID: 'y1' }));
  }
  if (datasets.length === 0) return undefined;
  return {
    title: `${stage}: 5xx rate and p99 latency per side (${windowText(snapshot)})`,
    filename: `${stage}-status-errors-latency.png`,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    config: lineChartConfig({
      title: `${stage}: 5xx rate (dashed) and p99 latency (solid) per side`,
      subtitle: windowText(snapshot),
      labels: minuteLabels(snapshot.window),
      datasets,
      // A flat 0% line stays at the bottom instead of stretching the axis to a hairline.
      axes: { y: valueAxis({ title: '5xx rate (%)', suggestedMax: 1 }), y1: valueAxis({ title: 'p99 latency (ms)', secondary: true }) },
    }),
  };
}

/**
 * The charts `/switchover status <stage>` uploads, in order: requests per target group (changes marked),
 * then 5xx rate and p99 latency per side. A chart with no data at all (not fetched, or no traffic) is left out.
 */
export function statusCharts(stage: string, snapshot: MetricsSnapshot, changes: ChartChange[]): ChartSpec[] {
  return [requestsChart(stage, snapshot, changes), errorsLatencyChart(stage, snapshot)].filter((c): c is ChartSpec => c !== undefined);
}
