// ChartRenderer over a QuickChart server (self-hosted, usually http://quickchart:3400, or the public
// quickchart.io), used only when QUICKCHART_URL is set: the metrics in the chart then leave the bot's network.
// The picture comes back as PNG bytes and is uploaded by the caller, so no chart depends on a public URL.
// Speaks to it with quickchart-js, QuickChart's own client, asking for Chart.js 4 as the in-process renderer draws.
import QuickChart from 'quickchart-js';
import { errorMessage, plainMessage } from '../../core/format';
import type { ChartRenderer, ChartSpec } from '../../core/ports';
import { ChartRenderError } from './errors';
import { withDeadline } from '../../core/deadline';
import { SystemClock } from '../clock';

const wallClock = new SystemClock();

export { ChartRenderError };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface QuickChartOptions {
  /** Per chart; default 10 s. */
  timeoutMs?: number;
  /** Default 2: sharp on high-DPI screens. */
  devicePixelRatio?: number;
}

export class QuickChartRenderer implements ChartRenderer {
  /** For messages and quickchart-js: scheme, host and any path prefix (e.g. /qc). */
  readonly where: string;
  private readonly scheme: 'http' | 'https';
  private readonly host: string;
  private readonly timeoutMs: number;
  private readonly devicePixelRatio: number;

  constructor(quickchartUrl: string, options: QuickChartOptions = {}) {
    let url: URL;
    try {
      url = new URL(quickchartUrl);
    } catch {
      throw new ChartRenderError('QUICKCHART_URL is not a valid URL; use e.g. http://quickchart:3400, or leave it empty to draw charts in the bot');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ChartRenderError('QUICKCHART_URL must be an http or https URL, e.g. http://quickchart:3400');
    }
    if (url.username || url.password) {
      // quickchart-js sends no credentials; they would otherwise end up in logs and messages.
      throw new ChartRenderError('QUICKCHART_URL must not carry credentials (user:password@); quickchart-js cannot send them');
    }
    const path = url.pathname.replace(/\/+$/, '').replace(/\/chart$/, '');
    this.scheme = url.protocol === 'https:' ? 'https' : 'http';
    // quickchart-js posts to `${scheme}://${host}/chart`, so a path prefix rides along with the host.
    this.host = `${url.host}${path}`;
    this.where = `${this.scheme}://${this.host}`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.devicePixelRatio = options.devicePixelRatio ?? 2;
  }

  async render(chart: ChartSpec): Promise<Buffer> {
    const client = new QuickChart()
      .setScheme(this.scheme)
      .setHost(this.host)
      .setVersion('4')
      .setWidth(chart.width)
      .setHeight(chart.height)
      .setDevicePixelRatio(this.devicePixelRatio)
      .setBackgroundColor('#ffffff')
      .setFormat('png')
      // A JSON string is taken as is: the config is pure data, no JavaScript to evaluate.
      .setConfig(JSON.stringify(chart.config));

    // quickchart-js takes no abort signal: the deadline frees the caller, and the abandoned request ends
    // when the server answers or its connection drops (one socket, never a lock or a message).
    const late = () => {
      throw new ChartRenderError(`The chart renderer at ${this.where} did not answer within ${this.timeoutMs / 1000} s.`);
    };
    let png: Buffer;
    try {
      png = await withDeadline(client.toBinary(), this.timeoutMs, late, (ms, signal) => wallClock.sleep(ms, signal));
    } catch (error) {
      if (error instanceof ChartRenderError) throw error;
      throw new ChartRenderError(`The chart renderer at ${this.where} could not render "${chart.filename}": ${describe(error)}.`);
    }
    if (png.length < PNG_SIGNATURE.length || !png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
      throw new ChartRenderError(
        `The chart renderer at ${this.where} answered "${chart.filename}" with something that is not a PNG (${png.length} bytes); check QUICKCHART_URL points at a QuickChart server.`,
      );
    }
    return png;
  }
}

function describe(error: unknown): string {
  // node-fetch (under quickchart-js) reports the system error's code on the error.
  const code = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? '') : '';
  const message = `${code} ${plainMessage(error)}`;
  if (/ECONNREFUSED/.test(message)) return 'connection refused (is the renderer running?)';
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return 'host not found';
  if (/ECONNRESET|socket hang up|connection reset/.test(message)) return 'connection reset';
  // One line: a multi-line answer reads as 'first: second'.
  return errorMessage(error).trim().replace(/\s*\n\s*/g, ': ');
}
