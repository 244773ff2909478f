// The transport of every call to Slack (Web API, response_url answers, file uploads): the `fetch` function
// the Web API client and Bolt take as an option (`FetchFunction`), over node:http(s) with pooled keep-alive
// connections. Node 20's built-in fetch builds web streams and transferable wrappers for every request and
// answer: measured under a burst of commands, it cost the bot about a fifth of its CPU. Answers from Slack
// are small JSON bodies, read whole. A multipart body (FormData, never sent by the bot itself) goes to the
// built-in fetch.
import http from 'node:http';
import https from 'node:https';
import type { webApi } from '@slack/bolt';

type FetchFunction = NonNullable<webApi.WebClientOptions['fetch']>;
type FetchRequestInit = NonNullable<Parameters<FetchFunction>[1]>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/** What the bot sends: the Web API client's strings, and the bytes of a chart upload. */
export type SlackFetchInit = Omit<FetchRequestInit, 'body'> & { body?: string | Uint8Array | FormData };

/** Connections per origin; more requests queue for a free one (the Web API client itself allows 100 in flight). */
const MAX_SOCKETS = 32;
/** An idle connection is closed after this, before Slack's side would close it under a reused request. */
const IDLE_MS = 4_000;
const MAX_REDIRECTS = 5;
/** Slack's answers are a few KB; anything past this is refused rather than held in memory. */
export const MAX_ANSWER_BYTES = 20 * 1024 * 1024;

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, timeout: IDLE_MS }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, timeout: IDLE_MS }),
};

interface Answer {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

class AnswerHeaders {
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

class SlackFetchResponse implements FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: AnswerHeaders;
  bodyUsed = false;

  constructor(
    readonly url: string,
    answer: Answer,
    private readonly body: Buffer,
  ) {
    this.status = answer.status;
    this.ok = answer.status >= 200 && answer.status < 300;
    this.statusText = answer.statusText;
    this.headers = new AnswerHeaders(answer.headers);
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

function exchange(url: URL, method: string, headers: Record<string, string>, body: string | Uint8Array | undefined, signal?: AbortSignal): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const agent = agents[url.protocol as keyof typeof agents];
    if (!agent) {
      reject(new TypeError(`cannot fetch ${url.protocol} URLs`));
      return;
    }
    const outgoing: http.OutgoingHttpHeaders = { ...headers };
    if (body !== undefined) outgoing['content-length'] = Buffer.byteLength(body);
    const request = (url.protocol === 'https:' ? https : http).request(url, { method, headers: outgoing, agent, signal }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) {
          request.destroy(new Error(`the answer from ${url.host} is larger than ${MAX_ANSWER_BYTES / 2 ** 20} MB`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Follows redirects as fetch does: 303, and 301/302 after a POST, become a GET without the body. */
export async function slackFetch(input: string | URL, init: SlackFetchInit = {}): Promise<FetchResponse> {
  if (init.body !== undefined && typeof init.body !== 'string' && !(init.body instanceof Uint8Array)) {
    return (await fetch(input, init as RequestInit)) as FetchResponse;
  }
  let url = new URL(String(input));
  let method = (init.method ?? 'GET').toUpperCase();
  let body = init.body as string | Uint8Array | undefined;
  let headers: Record<string, string> = { ...(init.headers ?? {}) };
  for (let hops = 0; ; hops++) {
    const answer = await exchange(url, method, headers, body, init.signal);
    const location = answer.headers.location;
    if (!REDIRECTS.has(answer.status) || !location || init.redirect === 'manual') {
      return new SlackFetchResponse(url.href, answer, answer.body);
    }
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
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !names.includes(name.toLowerCase())));
}
