// ChartRenderer that draws inside the bot, off its event loop: one worker thread from a piscina pool runs
// draw-worker.ts (Chart.js 4 on @napi-rs/canvas, see draw.ts). Drawing a picture is some 80-250 ms of CPU;
// on the event loop it held up every acknowledgement that arrived meanwhile (the bench measured 386 ms).
// The worker starts with the first chart and ends after a minute without one, giving its memory back.
import { join } from 'node:path';
import Piscina from 'piscina';
import { withDeadline } from '../../core/deadline';
import { plainMessage } from '../../core/format';
import type { ChartRenderer, ChartSpec } from '../../core/ports';
import type { DrawTask } from './draw-worker';
import { ChartRenderError } from './errors';
import { SystemClock } from '../clock';

/** A chart larger than this is refused: its drawing is bounded by its size. */
export const MAX_CHART_PIXELS = 1600 * 1600;
/** Likewise for the number of values drawn (a 12-hour switchover of 3 panels with 2 sides is some 4,300). */
export const MAX_CHART_VALUES = 5000;
/** Charts waiting for the worker beyond the one it draws; more are refused at once (the renderer is busy). */
export const MAX_WAITING_CHARTS = 8;
/**
 * The worker's V8 heap, small as the bot's own (`npm start` runs with 2 MB semi-spaces; a worker takes no V8
 * flags and would otherwise grow a young generation of tens of MB). A picture needs a few MB of JavaScript heap.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 6, maxOldGenerationSizeMb: 64 };
/** The worker ends after this long without a chart. */
const IDLE_MS = 60_000;
/** At shutdown the worker is waited for this long at most: a chart mid-draw in native code is abandoned. */
const CLOSE_MS = 2_000;
const wallClock = new SystemClock();

export interface InProcessOptions {
  /** Default 2: sharp on high-DPI screens (and how QuickChart is asked too). */
  devicePixelRatio?: number;
  /** Longest a chart may take, waiting for its turn and the worker's start included; default 10 s. */
  timeoutMs?: number;
}

/** How many values a configuration asks to draw. */
function valueCount(config: Record<string, unknown>): number {
  const data = config.data as { datasets?: Array<{ data?: unknown[] }> } | undefined;
  return (data?.datasets ?? []).reduce((n, d) => n + (Array.isArray(d.data) ? d.data.length : 0), 0);
}

/**
 * The worker's module: compiled JavaScript beside this file in production; from the TypeScript sources (tests,
 * tsx), the worker needs tsx's loader to read it, which only development installs.
 */
function workerModule(): { filename: string; execArgv: string[] } {
  if (__filename.endsWith('.ts')) return { filename: join(__dirname, 'draw-worker.ts'), execArgv: ['--require', 'tsx/cjs'] };
  return { filename: join(__dirname, 'draw-worker.js'), execArgv: [] };
}

export class InProcessChartRenderer implements ChartRenderer {
  private readonly devicePixelRatio: number;
  private readonly timeoutMs: number;
  private readonly pool: Piscina<DrawTask, Uint8Array>;

  constructor(options: InProcessOptions = {}) {
    this.devicePixelRatio = options.devicePixelRatio ?? 2;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    // One thread: the bot's 2 cores are shared with its own work; pictures are drawn one after another.
    this.pool = new Piscina<DrawTask, Uint8Array>({
      ...workerModule(),
      minThreads: 0,
      maxThreads: 1,
      idleTimeout: IDLE_MS,
      maxQueue: MAX_WAITING_CHARTS,
      resourceLimits: WORKER_HEAP,
    });
  }

  /**
   * The PNG, or a ChartRenderError saying why not. A chart not drawn within the deadline is given up, its
   * worker stopped mid-draw if need be (the next chart starts a new one).
   */
  async render(chart: ChartSpec): Promise<Buffer> {
    if (!(chart.width * chart.height > 0) || chart.width * chart.height > MAX_CHART_PIXELS) {
      throw new ChartRenderError(`"${chart.filename}" is too large to draw (${chart.width}x${chart.height}).`);
    }
    const values = valueCount(chart.config);
    if (values > MAX_CHART_VALUES) throw new ChartRenderError(`"${chart.filename}" has too many values to draw (${values}).`);
    if (this.pool.queueSize >= MAX_WAITING_CHARTS) {
      throw new ChartRenderError(`"${chart.filename}" was not drawn: ${MAX_WAITING_CHARTS} charts are already waiting (the renderer is busy).`);
    }
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const png = await this.pool.run({ spec: chart, devicePixelRatio: this.devicePixelRatio }, { signal });
      return Buffer.from(png.buffer, png.byteOffset, png.byteLength);
    } catch (error) {
      if (signal.aborted) throw new ChartRenderError(`"${chart.filename}" was not drawn within ${this.timeoutMs / 1000} s (the renderer is busy).`);
      // The worker's error reaches here as its text ("Error: Cannot determine type of 'share' axis. ...").
      const why = plainMessage(error).replace(/^Error: /, '').replace(/\.$/, '');
      throw new ChartRenderError(`"${chart.filename}" could not be drawn: ${why}.`);
    }
  }

  /** Stops the worker (at shutdown), waiting for it CLOSE_MS at most. */
  async close(): Promise<void> {
    await withDeadline(this.pool.destroy(), CLOSE_MS, () => undefined, (ms, signal) => wallClock.sleep(ms, signal));
  }
}
