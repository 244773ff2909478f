// Draws one chart: Chart.js 4 on @napi-rs/canvas (Skia, shipped as npm binaries for glibc and musl), with the
// annotation plugin QuickChart also bundles, so one configuration renders the same here and there. Text is
// drawn with DejaVu Sans from the dejavu-fonts-ttf package, registered by path, so a picture looks the same on
// a laptop, in CI and in the Alpine image whatever fonts the system has. Runs in the drawing worker
// (draw-worker.ts), never on the bot's event loop.
import { Chart, registerables } from 'chart.js';
import annotationPlugin from 'chartjs-plugin-annotation';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import type { ChartSpec } from '../../core/ports';

/** The family every chart is drawn in: DejaVu Sans from the bot's own dependencies, under a name no system font has. */
export const CHART_FONT_FAMILY = 'Switchover Sans';

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

/** Registers Chart.js's parts, the annotation plugin and the font once per thread. */
function ensureRegistered(): void {
  if (registered) return;
  Chart.register(...registerables, annotationPlugin);
  const regular = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
  // Regular only: under one alias the last face registered wins for every weight, and a bold tick label
  // reads worse; titles are emboldened by Skia.
  if (!GlobalFonts.registerFromPath(regular, CHART_FONT_FAMILY)) {
    throw new Error(`the chart font could not be loaded from ${regular}`);
  }
  Chart.defaults.font.family = CHART_FONT_FAMILY;
  Chart.defaults.color = '#222222';
  registered = true;
}

/** The PNG of the chart at `devicePixelRatio` times its size. Throws what Chart.js or the canvas throw. */
export function drawChart(spec: ChartSpec, devicePixelRatio: number): Buffer {
  ensureRegistered();
  // Chart.js runs its BasicPlatform here (no DOM): it takes the canvas at the chart's CSS size and scales it
  // by the pixel ratio itself. A copy of the configuration: Chart.js writes into it.
  const canvas = createCanvas(spec.width, spec.height);
  const config = JSON.parse(JSON.stringify(spec.config)) as { options?: Record<string, unknown>; plugins?: unknown[] };
  config.options = { ...config.options, responsive: false, animation: false, devicePixelRatio };
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
