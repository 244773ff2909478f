// One picture per moment: panels stacked on one time axis, one unit per panel, as an SRE reads them at a
// glance in a Slack thread. Pure data: a Chart.js 4 configuration with stacked y scales (`stack`/`stackWeight`)
// and chartjs-plugin-annotation lines for change markers and limits, both of which QuickChart bundles too.
// Sizes are for Slack: drawn 720 px wide at pixel ratio 2, with text of 15 px and more so it stays legible
// when Slack shows the picture some 400 px wide (about 9 px there).
import { hhmm } from '../core/format';
import type { ChartSpec } from '../core/ports';
import { MINUTE_MS, type MetricsWindow } from '../core/types';
import { minutesOf } from '../core/traffic';

export const PANEL_CHART_WIDTH = 720;
/** Height per panel, plus room for the title, the key and the time axis. */
const PANEL_HEIGHT = 160;
const CHROME_HEIGHT = 160;
/** Room for each subtitle line after the first. */
const SUBTITLE_LINE = 22;

/** Text sizes in CSS pixels (the picture has twice as many). */
export const FONT = { title: 20, subtitle: 17, ticks: 17, axisTitle: 17, marker: 16 } as const;

/**
 * One colour per side everywhere, from the Okabe-Ito palette: blue and orange stay apart for every common
 * colour-vision deficiency; the limits and markers are neutral greys and black.
 */
export const SIDE_COLOURS = { source: '#0072B2', target: '#E69F00' } as const;
export const LIMIT_COLOUR = '#C0392B';
export const MARKER_COLOUR = '#333333';
export const WEIGHT_COLOUR = '#555555';

/** A line of a panel; `data` is aligned to the chart's minutes, null for a minute without data (a gap). */
export interface PanelLine {
  label: string;
  data: (number | null)[];
  colour: string;
  dashed?: boolean;
  /** Drawn as steps (the configured weight changes at a moment and holds). */
  stepped?: boolean;
  width?: number;
}

export interface Panel {
  /** Scale id; starts with `y` (and says `axis: 'y'`), as Chart.js 4 and QuickChart require. */
  id: string;
  /** Axis title with its unit, e.g. "5xx %". */
  title: string;
  /** How tick values are written (Intl.NumberFormat options: the unit on every tick, no callback needed). */
  unit: 'percent' | 'millisecond' | 'perMinute';
  lines: PanelLine[];
  /** A horizontal limit (a guardrail threshold) with its label. */
  limit?: { value: number; label: string };
  /** Fixed top (share panels: 100 %); otherwise a round number above the data and the limit. */
  max?: number;
  /** The top is at least this, so a flat 0 % line is drawn at the bottom rather than stretched. */
  atLeast?: number;
}

/** A moment marked across every panel, e.g. `{ at, label: 'shift 10%' }`. */
export interface ChartMarker {
  at: number;
  label: string;
}

export interface PanelChartInput {
  /** The headline, one line per entry. */
  title: string[];
  /** Smaller lines under the headline, one per entry. */
  subtitle: string[];
  filename: string;
  window: MetricsWindow;
  panels: Panel[];
  markers: ChartMarker[];
}

const TICK_FORMAT: Record<Panel['unit'], Record<string, unknown>> = {
  percent: { style: 'unit', unit: 'percent', maximumFractionDigits: 2 },
  millisecond: { style: 'unit', unit: 'millisecond', unitDisplay: 'short', maximumFractionDigits: 0 },
  // Intl has no "requests per minute" unit: a compact count ("1.2K"), the axis title says per minute.
  perMinute: { notation: 'compact', maximumFractionDigits: 1 },
};

/** The smallest of 1, 2, 3, 4, 5, 6, 8 times a power of ten that is at least `v`: its half is round too. */
export function roundUp(v: number): number {
  if (!(v > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 3, 4, 5, 6, 8, 10].map((f) => f * power).find((n) => n >= v - 1e-9)!;
}

/**
 * Every panel's range is fixed from its data (not left to Chart.js), so that change markers can span it
 * exactly and QuickChart draws the same axes: from 0 to a round number 10 % above the highest of the data,
 * the limit and `atLeast`.
 */
function topOf(panel: Panel): number {
  if (panel.max !== undefined) return panel.max;
  const values = panel.lines.flatMap((l) => l.data.filter((v): v is number => v !== null));
  return roundUp(Math.max(panel.atLeast ?? 0, panel.limit?.value ?? 0, ...values) * 1.1);
}

/** Index of the minute `at` falls in, or -1 when outside the window. */
function minuteIndex(minutes: number[], at: number): number {
  return minutes.indexOf(Math.floor(at / MINUTE_MS) * MINUTE_MS);
}

function dataset(line: PanelLine, panel: Panel): Record<string, unknown> {
  return {
    label: line.label,
    data: line.data,
    yAxisID: panel.id,
    borderColor: line.colour,
    backgroundColor: line.colour,
    borderWidth: line.width ?? 3,
    pointRadius: 0,
    spanGaps: false, // a minute without data stays a gap: CloudWatch sends nothing then, which is not zero
    ...(line.dashed ? { borderDash: [8, 5] } : {}),
    ...(line.stepped ? { stepped: 'before' } : {}),
  };
}

function scale(panel: Panel): Record<string, unknown> {
  return {
    axis: 'y',
    type: 'linear',
    position: 'left',
    // Panels on one stack share the height; `offset` keeps a gap between them.
    stack: 'panels',
    stackWeight: 1,
    offset: true,
    min: 0,
    max: topOf(panel),
    title: { display: true, text: panel.title, font: { size: FONT.axisTitle }, color: '#222222' },
    // Three ticks, 0, half and top: enough to read a value, and never a crowded odd last one.
    ticks: { font: { size: FONT.ticks }, stepSize: topOf(panel) / 2, format: TICK_FORMAT[panel.unit], color: '#222222' },
    grid: { color: '#e4e4e4' },
    border: { color: '#888888' },
  };
}

/** Vertical change markers on every panel (labelled on each) and the panels' limits. */
function annotations(input: PanelChartInput, minutes: number[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const marked = input.markers
    .map((m) => ({ ...m, index: minuteIndex(minutes, m.at) }))
    .filter((m) => m.index >= 0)
    .sort((a, b) => a.at - b.at);
  input.panels.forEach((panel, p) => {
    marked.forEach((m, i) => {
      // Labels at the top of each panel, every other one lower, so that close changes do not overlap.
      out[`change${i}_${panel.id}`] = {
        type: 'line',
        xScaleID: 'x',
        yScaleID: panel.id,
        xMin: m.index,
        xMax: m.index,
        yMin: 0,
        yMax: topOf(panel),
        borderColor: MARKER_COLOUR,
        borderWidth: 2,
        borderDash: [4, 4],
        label: {
          display: p === 0 || marked.length <= 3,
          content: p === 0 ? `${hhmm(m.at)} ${m.label}` : m.label,
          position: 'end',
          yAdjust: (i % 2) * (FONT.marker + 10),
          backgroundColor: 'rgba(255,255,255,0.85)',
          color: '#111111',
          font: { size: FONT.marker },
          padding: 3,
        },
      };
    });
    if (panel.limit) {
      out[`limit_${panel.id}`] = {
        type: 'line',
        yScaleID: panel.id,
        yMin: panel.limit.value,
        yMax: panel.limit.value,
        borderColor: LIMIT_COLOUR,
        borderWidth: 2,
        borderDash: [2, 3],
        label: {
          display: true,
          content: panel.limit.label,
          position: 'start',
          backgroundColor: 'rgba(255,255,255,0.85)',
          color: LIMIT_COLOUR,
          font: { size: FONT.marker },
          padding: 2,
        },
      };
    }
  });
  return out;
}

/** Minutes between time labels, the fewest that keep them apart. */
const LABEL_STEPS = [5, 10, 15, 30, 60, 120, 180];

/** The chart: panels top to bottom in the order given, one shared time axis (UTC minutes). */
export function panelChart(input: PanelChartInput): ChartSpec {
  const minutes = minutesOf(input.window);
  // Time labels on round minutes only (every 10 minutes for an hour), each with its grid line: a category
  // axis would otherwise pick uneven ones (11:09, 11:18). Grid colours are per tick, so no callback is needed.
  // At most 9 of them fit side by side at 720 px (a whole switchover may span hours).
  const every = LABEL_STEPS.find((step) => minutes.length / step <= 9) ?? LABEL_STEPS[LABEL_STEPS.length - 1]!;
  const round = minutes.map((t) => (t / MINUTE_MS) % every === 0);
  const labels = minutes.map((t, i) => (round[i] ? hhmm(t) : ''));
  // Chart.js stacks the scales of one stack bottom-up in the order they are declared: declare them reversed.
  const panels = [...input.panels].reverse();
  const scales: Record<string, unknown> = {
    x: {
      type: 'category',
      ticks: { font: { size: FONT.ticks }, maxRotation: 0, autoSkip: false, color: '#222222' },
      grid: { color: round.map((r) => (r ? '#e4e4e4' : 'rgba(0,0,0,0)')) },
      title: { display: true, text: 'time (UTC)', font: { size: FONT.axisTitle }, color: '#222222' },
    },
  };
  panels.forEach((panel) => (scales[panel.id] = scale(panel)));
  return {
    title: input.title.join(' · '),
    filename: input.filename,
    width: PANEL_CHART_WIDTH,
    height: CHROME_HEIGHT + SUBTITLE_LINE * (input.subtitle.length - 1) + PANEL_HEIGHT * input.panels.length,
    config: {
      type: 'line',
      data: { labels, datasets: input.panels.flatMap((panel) => panel.lines.map((l) => dataset(l, panel))) },
      options: {
        animation: false,
        layout: { padding: { left: 4, right: 16, top: 4, bottom: 4 } },
        scales,
        plugins: {
          title: { display: true, text: input.title, font: { size: FONT.title, weight: 'bold' }, color: '#111111', padding: { top: 4, bottom: 2 } },
          subtitle: { display: true, text: input.subtitle, font: { size: FONT.subtitle }, color: '#333333', padding: { bottom: 8 } },
          legend: { display: false }, // the subtitle names the colours: a legend would list every panel's lines
          annotation: { annotations: annotations(input, minutes) },
        },
      },
    },
  };
}
