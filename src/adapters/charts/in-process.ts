// ChartRenderer that draws in this process: Chart.js 4 on @napi-rs/canvas (Skia, shipped as npm binaries for
// glibc and musl), with the annotation plugin QuickChart also bundles, so one configuration renders the same
// here and there. Text is drawn with DejaVu Sans from the dejavu-fonts-ttf package, registered by path, so a
// picture looks the same on a laptop, in CI and in the Alpine image whatever fonts the system has.
import { Chart, registerables } from 'chart.js';
import annotationPlugin from 'chartjs-plugin-annotation';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import type { ChartRenderer, ChartSpec } from '../../core/ports';
import { ChartRenderError } from './errors';

/** The family every chart is drawn in: DejaVu Sans from the bot's own dependencies, under a name no system font has. */
export const CHART_FONT_FAMILY = 'Switchover Sans';

/** A chart larger than this is refused: drawing is synchronous CPU, so its cost is bounded by its size. */
export const MAX_CHART_PIXELS = 1600 * 1600;
/** Likewise for the number of values drawn (a 90-minute window of 3 panels with 2 sides is some 600). */
export const MAX_CHART_VALUES = 5000;

let registered = false;

/** A transparent PNG shows black in some Slack clients' dark mode: paint white first, as QuickChart does. */
const WHITE_BACKGROUND = {
  id: 'whiteBackground',
  beforeDraw(chart: Chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Registers Chart.js's parts, the annotation plugin and the font once per process. */
function ensureRegistered(): void {
  if (registered) return;
  Chart.register(...registerables, annotationPlugin);
  const regular = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
  // Regular only: under one alias the last face registered wins for every weight, and a bold tick label
  // reads worse; titles are emboldened by Skia.
  if (!GlobalFonts.registerFromPath(regular, CHART_FONT_FAMILY)) {
    throw new ChartRenderError(`The chart font could not be loaded from ${regular}.`);
  }
  Chart.defaults.font.family = CHART_FONT_FAMILY;
  Chart.defaults.color = '#222222';
  registered = true;
}

export interface InProcessOptions {
  /** Default 2: sharp on high-DPI screens (and how QuickChart is asked too). */
  devicePixelRatio?: number;
  /** Longest wait for this chart's turn, default 5 s (see render). */
  timeoutMs?: number;
  /** Epoch ms; tests pass their own so the deadline does not depend on how busy the machine is. */
  now?: () => number;
}

/** How many values a configuration asks to draw. */
function valueCount(config: Record<string, unknown>): number {
  const data = config.data as { datasets?: Array<{ data?: unknown[] }> } | undefined;
  return (data?.datasets ?? []).reduce((n, d) => n + (Array.isArray(d.data) ? d.data.length : 0), 0);
}

export class InProcessChartRenderer implements ChartRenderer {
  private readonly devicePixelRatio: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  /** Renders run one after another; each waits for the previous one here. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(options: InProcessOptions = {}) {
    this.devicePixelRatio = options.devicePixelRatio ?? 2;
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.now = options.now ?? Date.now;
    ensureRegistered();
  }

  /**
   * Drawing is synchronous CPU (some 20-60 ms a chart, see the bench) and cannot be interrupted, so it is
   * bounded by refusing oversized charts; the deadline covers the wait for a turn, so a burst of charts
   * cannot queue up behind each other without end. Each render starts on a fresh macrotask, letting acks and
   * timers that are due run first.
   */
  render(chart: ChartSpec): Promise<Buffer> {
    const pixels = chart.width * chart.height * this.devicePixelRatio ** 2;
    if (!(pixels > 0) || chart.width * chart.height > MAX_CHART_PIXELS) {
      return Promise.reject(new ChartRenderError(`"${chart.filename}" is too large to draw (${chart.width}x${chart.height}).`));
    }
    const values = valueCount(chart.config);
    if (values > MAX_CHART_VALUES) {
      return Promise.reject(new ChartRenderError(`"${chart.filename}" has too many values to draw (${values}).`));
    }
    const queuedAt = this.now();
    const turn = this.tail.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          setImmediate(() => {
            if (this.now() - queuedAt > this.timeoutMs) {
              reject(new ChartRenderError(`"${chart.filename}" was not drawn within ${this.timeoutMs / 1000} s (the renderer is busy).`));
              return;
            }
            try {
              resolve(this.draw(chart));
            } catch (error) {
              reject(new ChartRenderError(`"${chart.filename}" could not be drawn: ${error instanceof Error ? error.message : String(error)}.`));
            }
          });
        }),
    );
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private draw(spec: ChartSpec): Buffer {
    // Chart.js runs its BasicPlatform here (no DOM): it takes the canvas at the chart's CSS size and scales it
    // by the pixel ratio itself. A copy of the configuration: Chart.js writes into it.
    const canvas = createCanvas(spec.width, spec.height);
    const config = JSON.parse(JSON.stringify(spec.config)) as { options?: Record<string, unknown>; plugins?: unknown[] };
    config.options = { ...config.options, responsive: false, animation: false, devicePixelRatio: this.devicePixelRatio };
    config.plugins = [WHITE_BACKGROUND];
    // Chart.js's types want a DOM canvas context (lib "dom" is off here); Skia's implements the same 2D API.
    const rendered = new Chart(canvas.getContext('2d') as never, config as never);
    try {
      return canvas.toBuffer('image/png');
    } finally {
      rendered.destroy();
      // Frees the 7 MB of pixels now rather than at some later GC: RSS then stays flat over many charts.
      canvas.width = 1;
      canvas.height = 1;
    }
  }
}
