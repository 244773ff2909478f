// The bot's own HTTP client (Slack calls, the chart renderer): a fetch-like function over node:http(s) with
// pooled keep-alive connections. Node 20's built-in fetch builds web streams and transferable wrappers for
// every request and answer, a cost these small answers, read whole, do not need. An abort signal really ends
// the request, even one still queued for a free connection.
import http from 'node:http';
import https from 'node:https';

export interface HttpFetchOptions {
  /** Connections per origin; further requests queue for a free one. */
  maxSockets: number;
  /** Larger answers are refused rather than held in memory. */
  maxAnswerBytes: number;
  /** Closes a connection idle this long; without it, Node follows the server's Keep-Alive hint. */
  idleMs?: number;
  /** Sends once more when a reused connection is reset before any answer: only for idempotent requests. */
  resendOnStaleConnection?: boolean;
}

export interface HttpRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  redirect?: 'error' | 'follow' | 'manual';
  signal?: AbortSignal;
}

export type HttpFetch = (input: string | URL, init?: HttpRequestInit) => Promise<HttpResponse>;

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface Answer {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export class HttpHeaders {
  constructor(private readonly raw: http.IncomingHttpHeaders) {}

  get(name: string): string | null {
    // Own names only: node's header object is a plain {}, so `constructor` or `toString` would be found on it.
    const key = name.toLowerCase();
    const value = Object.hasOwn(this.raw, key) ? this.raw[key] : undefined;
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw)) yield [name, this.get(name)!];
  }
}

/** A whole answer; each reader works off the same buffer, as the Web API client may read it more than once. */
export class HttpResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: HttpHeaders;
  bodyUsed = false;
  private readonly body: Buffer;

  constructor(
    readonly url: string,
    answer: Answer,
  ) {
    this.status = answer.status;
    this.ok = answer.status >= 200 && answer.status < 300;
    this.statusText = answer.statusText;
    this.headers = new HttpHeaders(answer.headers);
    this.body = answer.body;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    this.bodyUsed = true;
    const copy = new ArrayBuffer(this.body.byteLength);
    new Uint8Array(copy).set(this.body);
    return copy;
  }

  async text(): Promise<string> {
    this.bodyUsed = true;
    return this.body.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

/** Each function has its own agents, so its socket bound holds for all of its callers together. */
export function createHttpFetch(options: HttpFetchOptions): HttpFetch {
  const { maxAnswerBytes } = options;
  const agentOptions: http.AgentOptions = { keepAlive: true, maxSockets: options.maxSockets };
  if (options.idleMs !== undefined) agentOptions.timeout = options.idleMs;
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

  function send(url: URL, method: string, headers: Record<string, string>, body: string | Uint8Array | undefined, signal: AbortSignal | undefined, resend: boolean): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const agent = agents[url.protocol as keyof typeof agents];
      if (!agent) {
        reject(new TypeError(`cannot fetch ${url.protocol} URLs`));
        return;
      }
      const outgoing: http.OutgoingHttpHeaders = { ...headers };
      if (body !== undefined) outgoing['content-length'] = Buffer.byteLength(body);
      let answered = false;
      const request = (url.protocol === 'https:' ? https : http).request(url, { method, headers: outgoing, agent, signal }, (response) => {
        answered = true;
        const tooLarge = (): void => {
          reject(new Error(`the answer is larger than ${maxAnswerBytes / 2 ** 20} MB`));
          // Dropping the connection is the only way to stop the answer; it is not reused.
          request.destroy();
        };
        if (Number(response.headers['content-length']) > maxAnswerBytes) {
          tooLarge();
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxAnswerBytes) tooLarge();
          else chunks.push(chunk);
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers: response.headers, body: Buffer.concat(chunks) }),
        );
        response.on('error', reject);
      });
      request.on('error', (error: NodeJS.ErrnoException) => {
        // A reused keep-alive connection the server had just closed (Node's documented race): nothing was answered.
        if (resend && !answered && request.reusedSocket && error.code === 'ECONNRESET' && !signal?.aborted) {
          resolve(send(url, method, headers, body, signal, false));
        } else {
          reject(error);
        }
      });
      request.end(body);
    });
  }

  /** Follows redirects as fetch does: 303, and 301/302 after a POST, become a GET without the body. */
  return async function httpFetch(input: string | URL, init: HttpRequestInit = {}): Promise<HttpResponse> {
    let url = new URL(String(input));
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body;
    let headers: Record<string, string> = { ...(init.headers ?? {}) };
    for (let hops = 0; ; hops++) {
      const answer = await send(url, method, headers, body, init.signal, options.resendOnStaleConnection === true);
      const location = answer.headers.location;
      if (!REDIRECTS.has(answer.status) || !location || init.redirect === 'manual') return new HttpResponse(url.href, answer);
      // Same wording as the built-in fetch's failures, which callers already report as network errors.
      if (init.redirect === 'error') throw new TypeError(`fetch failed: ${url.host} answered with a redirect (HTTP ${answer.status})`);
      if (hops >= MAX_REDIRECTS) throw new TypeError(`fetch failed: more than ${MAX_REDIRECTS} redirects from ${url.host}`);
      const next = new URL(location, url);
      if (answer.status === 303 || ((answer.status === 301 || answer.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers = withoutHeaders(headers, ['content-type', 'content-length']);
      }
      // Credentials never follow a redirect to another origin.
      if (next.origin !== url.origin) headers = withoutHeaders(headers, ['authorization', 'cookie']);
      url = next;
    }
  };
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name.toLowerCase())));
}
