// ChartRenderer over a QuickChart server (public quickchart.io or self-hosted, usually http://host:3400):
// the picture is rendered to PNG bytes and uploaded by the caller, so no chart depends on a public URL.
// Speaks QuickChart's documented `POST /chart` API directly over node:http(s), so that connections are kept
// alive and pooled, and a timeout really aborts the request.
import http from 'node:http';
import https from 'node:https';
import { errorMessage, plainMessage } from '../../core/format';
import type { ChartRenderer, ChartSpec } from '../../core/ports';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Concurrent connections per renderer origin; further renders queue for a free one. */
const MAX_SOCKETS = 8;
/** Largest answer accepted: a chart PNG is some 100 KB; a misbehaving server must not exhaust memory. */
export const MAX_ANSWER_BYTES = 10 * 1024 * 1024;

// Shared by every renderer so the bound holds for the whole process. Idle keep-alive sockets are unref'd by
// Node and dropped before the server's announced Keep-Alive timeout, so they neither hold the process open
// nor get reused after the server closed them.
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, maxFreeSockets: MAX_SOCKETS }),
  https: new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, maxFreeSockets: MAX_SOCKETS }),
};

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

/** A complete answer read to its end. */
interface Answer {
  status: number;
  /** QuickChart's explanation of a failed render, if any. */
  quickchartError?: string;
  /** The body of a 2xx answer; empty for others (read and discarded). */
  body: Buffer;
}

/** A reused keep-alive connection the server had closed: safe to send once more on a fresh one. */
class StaleConnection extends Error {}

export class QuickChartRenderer implements ChartRenderer {
  private readonly scheme: 'http' | 'https';
  private readonly hostname: string;
  private readonly port: number | undefined;
  /** `${path}/chart`, path being any prefix of QUICKCHART_URL (e.g. /qc). */
  private readonly chartPath: string;
  /** `Basic ...` from credentials in QUICKCHART_URL (user:pass@host), for a proxy in front of QuickChart. */
  private readonly authorization: string | undefined;
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
    this.scheme = url.protocol === 'https:' ? 'https' : 'http';
    const path = url.pathname.replace(/\/+$/, '').replace(/\/chart$/, '');
    // URL keeps IPv6 literals in brackets; node:http wants the bare address.
    this.hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    this.port = url.port === '' ? undefined : Number(url.port);
    this.chartPath = `${path}/chart`;
    this.authorization =
      url.username || url.password
        ? `Basic ${Buffer.from(`${decode(url.username)}:${decode(url.password)}`).toString('base64')}`
        : undefined;
    this.where = `${url.protocol}//${url.host}${path}`;
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

    let answer: Answer;
    try {
      answer = await this.post(body);
    } catch (error) {
      if (error instanceof ChartRenderError) throw error;
      throw new ChartRenderError(`The chart renderer at ${this.where} could not render "${chart.title}": ${describe(error)}.`);
    }
    if (answer.status < 200 || answer.status >= 300) {
      // Same wording as quickchart-js used, on one line.
      const details = answer.quickchartError ? `: ${oneLine(answer.quickchartError)}` : '';
      throw new ChartRenderError(
        `The chart renderer at ${this.where} could not render "${chart.title}": Chart creation failed with status code ${answer.status}${details}.`,
      );
    }
    const png = answer.body;
    if (png.length < PNG_SIGNATURE.length || !png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) {
      throw new ChartRenderError(
        `The chart renderer at ${this.where} answered "${chart.title}" with something that is not a PNG (${png.length} bytes); check QUICKCHART_URL points at a QuickChart server.`,
      );
    }
    return png;
  }

  /** Sends the body within the time limit; on timeout the request is destroyed, not left running. */
  private async post(body: string): Promise<Answer> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    // Rejects at once even when the request is still queued for a socket (it then never gets sent).
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new ChartRenderError(`The chart renderer at ${this.where} did not answer within ${this.timeoutMs / 1000} s.`));
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([this.exchange(body, controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One request; sent once more if a pooled connection turns out to have been closed by the server. */
  private async exchange(body: string, signal: AbortSignal): Promise<Answer> {
    try {
      return await this.send(body, signal);
    } catch (error) {
      if (!(error instanceof StaleConnection) || signal.aborted) throw error;
      return this.send(body, signal);
    }
  }

  private send(body: string, signal: AbortSignal): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        Accept: 'image/png',
      };
      if (this.authorization) headers.Authorization = this.authorization;
      const options: http.RequestOptions = {
        method: 'POST',
        hostname: this.hostname,
        port: this.port,
        path: this.chartPath,
        headers,
        signal,
      };
      const request = this.scheme === 'https' ? https.request({ ...options, agent: agents.https }) : http.request({ ...options, agent: agents.http });
      let answered = false;

      request.on('error', (error: NodeJS.ErrnoException) => {
        // The server may close an idle keep-alive connection just as we reuse it (Node's documented race).
        reject(!answered && request.reusedSocket && error.code === 'ECONNRESET' ? new StaleConnection(error.message) : error);
      });

      request.on('response', (response) => {
        answered = true;
        const status = response.statusCode ?? 0;
        const ok = status >= 200 && status < 300;
        const header = response.headers['x-quickchart-error'];
        const quickchartError = Array.isArray(header) ? header.join(' ') : header;
        const tooLarge = (): void => {
          // Dropping the connection is the only way to stop an oversized answer; it is not reused.
          request.destroy();
          reject(new Error(`the answer is larger than ${MAX_ANSWER_BYTES / (1024 * 1024)} MB`));
        };
        if (Number(response.headers['content-length']) > MAX_ANSWER_BYTES) {
          tooLarge();
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            tooLarge();
            return;
          }
          // Error answers are still read to their end so the connection goes back to the pool.
          if (ok) chunks.push(chunk);
        });
        response.on('end', () => resolve({ status, quickchartError, body: Buffer.concat(chunks) }));
        response.on('error', reject);
        response.on('close', () => {
          if (!response.complete) reject(new Error('connection reset'));
        });
      });

      request.end(body);
    });
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
