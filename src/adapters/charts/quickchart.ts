// ChartRenderer over a QuickChart server (public quickchart.io or self-hosted, usually http://host:3400):
// the picture is rendered to PNG bytes and uploaded by the caller, so no chart depends on a public URL.
import QuickChart from 'quickchart-js';
import { plainMessage } from '../../core/format';
import type { ChartRenderer, ChartSpec } from '../../core/ports';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface QuickChartOptions {
  /** Per chart; default 10 s. */
  timeoutMs?: number;
  /** Default 2: sharp on high-DPI screens. */
  devicePixelRatio?: number;
}

export class ChartRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChartRenderError';
  }
}

export class QuickChartRenderer implements ChartRenderer {
  private readonly scheme: string;
  /** host[:port][/path], as quickchart-js joins it: `${scheme}://${host}/chart`. */
  private readonly host: string;
  /** For messages: the origin without any credentials the URL may carry. */
  readonly where: string;
  private readonly timeoutMs: number;
  private readonly devicePixelRatio: number;

  constructor(quickchartUrl: string, options: QuickChartOptions = {}) {
    let url: URL;
    try {
      url = new URL(quickchartUrl);
    } catch {
      throw new ChartRenderError('QUICKCHART_URL is not a valid URL; use e.g. http://quickchart:3400 or https://quickchart.io');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ChartRenderError('QUICKCHART_URL must be an http or https URL, e.g. http://quickchart:3400');
    }
    this.scheme = url.protocol.slice(0, -1);
    const path = url.pathname.replace(/\/+$/, '').replace(/\/chart$/, '');
    this.host = `${url.host}${path}`;
    this.where = `${url.protocol}//${url.host}${path}`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.devicePixelRatio = options.devicePixelRatio ?? 2;
  }

  async render(chart: ChartSpec): Promise<Buffer> {
    const qc = new QuickChart()
      .setScheme(this.scheme)
      .setHost(this.host)
      .setVersion('4')
      .setFormat('png')
      .setWidth(chart.width)
      .setHeight(chart.height)
      .setDevicePixelRatio(this.devicePixelRatio)
      .setBackgroundColor('#ffffff')
      // A JSON string is sent as is: the config is pure data, no JavaScript functions to stringify.
      .setConfig(JSON.stringify(chart.config));

    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ChartRenderError(`The chart renderer at ${this.where} did not answer within ${this.timeoutMs / 1000} s.`)),
        this.timeoutMs,
      );
    });
    let png: Buffer;
    try {
      png = await Promise.race([qc.toBinary(), timeout]);
    } catch (error) {
      if (error instanceof ChartRenderError) throw error;
      throw new ChartRenderError(`The chart renderer at ${this.where} could not render "${chart.title}": ${describe(error)}.`);
    } finally {
      clearTimeout(timer);
    }
    if (png.length < PNG_SIGNATURE.length || !png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
      throw new ChartRenderError(
        `The chart renderer at ${this.where} answered "${chart.title}" with something that is not a PNG (${png.length} bytes); check QUICKCHART_URL points at a QuickChart server.`,
      );
    }
    return png;
  }
}

function describe(error: unknown): string {
  const message = plainMessage(error);
  if (/ECONNREFUSED/.test(message)) return 'connection refused (is the renderer running?)';
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return 'host not found';
  if (/ECONNRESET|socket hang up/.test(message)) return 'connection reset';
  // quickchart-js: "Chart creation failed with status code 500\n<x-quickchart-error header>"
  return message.replace(/\s*\n\s*/g, ': ');
}
