// ChartRenderer over a QuickChart server (public quickchart.io or self-hosted, usually http://host:3400):
// the picture is rendered to PNG bytes and uploaded by the caller, so no chart depends on a public URL.
// Speaks QuickChart's documented `POST /chart` API directly, over pooled keep-alive connections, so that a
// timeout really aborts the request.
import { createHttpFetch, type HttpResponse } from '../http-fetch';
import { errorMessage, plainMessage } from '../../core/format';
import type { ChartRenderer, ChartSpec } from '../../core/ports';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Largest answer accepted: a chart PNG is some 100 KB; a misbehaving server must not exhaust memory. */
export const MAX_ANSWER_BYTES = 10 * 1024 * 1024;

// Shared by every renderer so the bound of 8 connections per origin holds for the whole process; further
// renders queue for a free one. Rendering is idempotent, so a request that meets a connection the server had
// just closed is sent once more.
const request = createHttpFetch({ maxSockets: 8, maxAnswerBytes: MAX_ANSWER_BYTES, resendOnStaleConnection: true });

export interface QuickChartOptions {
  /** Per chart, including any wait for a free connection; default 10 s. */
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
  /** `${where}/chart`, without the credentials. */
  private readonly endpoint: URL;
  /** `Basic ...` from credentials in QUICKCHART_URL (user:pass@host), for a proxy in front of QuickChart. */
  private readonly authorization: string | undefined;
  /** For messages: the origin and any path prefix (e.g. /qc), without any credentials the URL may carry. */
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
    const path = url.pathname.replace(/\/+$/, '').replace(/\/chart$/, '');
    this.authorization =
      url.username || url.password
        ? `Basic ${Buffer.from(`${decode(url.username)}:${decode(url.password)}`).toString('base64')}`
        : undefined;
    this.where = `${url.protocol}//${url.host}${path}`;
    this.endpoint = new URL(`${this.where}/chart`);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.devicePixelRatio = options.devicePixelRatio ?? 2;
  }

  async render(chart: ChartSpec): Promise<Buffer> {
    const body = JSON.stringify({
      version: '4',
      backgroundColor: '#ffffff',
      width: chart.width,
      height: chart.height,
      devicePixelRatio: this.devicePixelRatio,
      format: 'png',
      // A JSON string is taken as is: the config is pure data, no JavaScript functions to evaluate.
      chart: JSON.stringify(chart.config),
    });
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'image/png' };
    if (this.authorization) headers.Authorization = this.authorization;
    // Counts any wait for a free connection too; on timeout the request is destroyed, not left running.
    const signal = AbortSignal.timeout(this.timeoutMs);

    let answer: HttpResponse;
    try {
      answer = await request(this.endpoint, { method: 'POST', headers, body, redirect: 'manual', signal });
    } catch (error) {
      if (signal.aborted) throw new ChartRenderError(`The chart renderer at ${this.where} did not answer within ${this.timeoutMs / 1000} s.`);
      throw new ChartRenderError(`The chart renderer at ${this.where} could not render "${chart.title}": ${describe(error)}.`);
    }
    if (!answer.ok) {
      // Same wording as quickchart-js used, on one line.
      const quickchartError = answer.headers.get('x-quickchart-error');
      const details = quickchartError ? `: ${oneLine(quickchartError)}` : '';
      throw new ChartRenderError(
        `The chart renderer at ${this.where} could not render "${chart.title}": Chart creation failed with status code ${answer.status}${details}.`,
      );
    }
    const png = Buffer.from(await answer.arrayBuffer());
    if (png.length < PNG_SIGNATURE.length || !png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
      throw new ChartRenderError(
        `The chart renderer at ${this.where} answered "${chart.title}" with something that is not a PNG (${png.length} bytes); check QUICKCHART_URL points at a QuickChart server.`,
      );
    }
    return png;
  }
}

/** Percent-decoded userinfo; kept as written if it is not valid percent-encoding. */
function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ': ');
}

function describe(error: unknown): string {
  // The code too: a refused connection to a name with several addresses is an AggregateError without a message.
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  const message = `${code ?? ''} ${plainMessage(error)}`;
  if (/ECONNREFUSED/.test(message)) return 'connection refused (is the renderer running?)';
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return 'host not found';
  if (/ECONNRESET|socket hang up|connection reset/.test(message)) return 'connection reset';
  return oneLine(errorMessage(error));
}
