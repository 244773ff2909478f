// Shared pieces of the chart specifications: colours, per-minute UTC labels, gaps for minutes without data,
// and the Chart.js 4 line-chart shape. Pure data; rendering is the ChartRenderer's job.
import { hhmm } from '../core/format';
import { MINUTE_MS, type MetricSeries, type MetricsWindow } from '../core/types';

/** Picture size: wide enough for 60 minute labels, sharp on high-DPI screens (the renderer doubles it). */
export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 400;

/** One colour per meaning, the same in every chart (colour-blind-safe Okabe-Ito palette). */
export const COLOURS = {
  source: '#0072B2', // source proxy: blue
  target: '#009E73', // target proxy: green
  error: '#D55E00', // 5xx: vermillion
  latency: '#CC79A7', // latency: purple
  activeConnections: '#0072B2',
  newConnections: '#E69F00', // orange
  baseline: '#999999', // reference lines: grey
  marker: '#000000', // moments of applied changes
} as const;

/** `value` rounded to `digits` decimals (chart data and labels stay short). */
export function rounded(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Start of every minute of the window, [start, end). */
export function minutesOf(window: MetricsWindow): number[] {
  const minutes: number[] = [];
  const first = Math.ceil(window.start / MINUTE_MS) * MINUTE_MS;
  for (let t = first; t < window.end; t += MINUTE_MS) minutes.push(t);
  return minutes;
}

/** "HH:MM" label per minute of the window. */
export function minuteLabels(window: MetricsWindow): string[] {
  return minutesOf(window).map(hhmm);
}

/**
 * Values of a series aligned to the window's minutes; a minute without a datapoint is null, which Chart.js
 * draws as a gap (CloudWatch sends nothing while no traffic flows: that is not a zero).
 */
export function alignToMinutes(series: MetricSeries | undefined, window: MetricsWindow, scale = 1): (number | null)[] {
  const byMinute = new Map<number, number>();
  for (const p of series ?? []) byMinute.set(Math.floor(p.t / MINUTE_MS) * MINUTE_MS, p.v * scale);
  return minutesOf(window).map((t) => byMinute.get(t) ?? null);
}

/** True when at least one minute has a value. */
export function hasData(values: (number | null)[]): boolean {
  return values.some((v) => v !== null);
}

export interface LineDataset {
  label: string;
  data: (number | null)[];
  borderColor: string;
  backgroundColor: string;
  yAxisID?: string;
  borderWidth?: number;
  borderDash?: number[];
  pointRadius?: number;
  /** false: a null is drawn as a gap, never bridged. */
  spanGaps?: boolean;
  fill?: boolean;
  tension?: number;
  [key: string]: unknown;
}

/** A line dataset with the house style (thin line, small points, gaps kept). */
export function line(label: string, data: (number | null)[], colour: string, extra: Partial<LineDataset> = {}): LineDataset {
  return {
    label,
    data,
    borderColor: colour,
    backgroundColor: colour,
    borderWidth: 2,
    pointRadius: 1.5,
    spanGaps: false,
    fill: false,
    tension: 0,
    ...extra,
  };
}

/** A flat reference line across every minute (e.g. the baseline average). */
export function referenceLine(label: string, value: number, minutes: number, colour = COLOURS.baseline, yAxisID = 'y'): LineDataset {
  return line(label, new Array<number>(minutes).fill(value), colour, { borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5, yAxisID });
}

export interface AxisOptions {
  title: string;
  position?: 'left' | 'right';
  /** Secondary axes do not draw grid lines over the chart (they would not line up with the primary's). */
  secondary?: boolean;
  suggestedMax?: number;
}

export function valueAxis(options: AxisOptions): Record<string, unknown> {
  return {
    type: 'linear',
    position: options.position ?? (options.secondary ? 'right' : 'left'),
    beginAtZero: true,
    ...(options.suggestedMax !== undefined ? { suggestedMax: options.suggestedMax } : {}),
    title: { display: true, text: options.title },
    ...(options.secondary ? { grid: { drawOnChartArea: false } } : {}),
  };
}

/** A Chart.js 4 line chart over per-minute UTC labels. */
export function lineChartConfig(options: {
  title: string;
  subtitle?: string;
  labels: string[];
  datasets: LineDataset[];
  axes: Record<string, Record<string, unknown>>;
}): Record<string, unknown> {
  return {
    type: 'line',
    data: { labels: options.labels, datasets: options.datasets },
    options: {
      animation: false,
      scales: {
        x: { title: { display: true, text: 'time (UTC)' }, ticks: { autoSkip: true, maxTicksLimit: 13, maxRotation: 0 } },
        ...options.axes,
      },
      plugins: {
        title: { display: true, text: options.title },
        ...(options.subtitle ? { subtitle: { display: true, text: options.subtitle } } : {}),
        legend: { position: 'bottom' },
      },
    },
  };
}
