// A fake Slack on 127.0.0.1 for end-to-end tests: the Web API (every call recorded with its parsed
// arguments), the pre-signed file upload URL, and response_url endpoints. It can be told to fail a
// method with a Slack error or with a 429 rate limit.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageViolations, modalViolations } from './block-kit-rules';
import { waitForChange } from './wait-for';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** The bearer token the client sent, if any. */
  token?: string;
}

export interface RecordedResponse {
  /** `/response/<id>` path the app posted to. */
  path: string;
  body: Record<string, unknown>;
}

export interface RecordedUpload {
  fileId: string;
  bytes: Buffer;
  contentType?: string;
}

export interface FakeMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  threadTs?: string;
  /** Every version of the message, oldest first (chat.update adds one). */
  versions: { text?: string; blocks?: unknown[] }[];
}

interface Failure {
  error?: string;
  retryAfterSeconds?: number;
  /** An HTTP status other than 200 (a 503 from Slack's edge). */
  status?: number;
  remaining: number;
}

export const BOT_USER_ID = 'U0SWITCHBOT';
export const BOT_ID = 'B0SWITCHBOT';
export const TEAM_ID = 'T0TEAM';

export class FakeSlack extends EventEmitter {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  readonly uploads: RecordedUpload[] = [];
  /** Everything real Slack would have refused (missing arguments, Block Kit violations); see `refusal`. */
  readonly violations: string[] = [];
  readonly messages: FakeMessage[] = [];
  /** User-group ID -> member user IDs, for usergroups.users.list. */
  groups: Record<string, string[]> = {};
  /** Channels the bot is not a member of: chat.postMessage answers not_in_channel. */
  notInChannel = new Set<string>();
  /** apps.connections.open's WebSocket URL, a fresh one per call (FakeSocketMode sets it). */
  socketModeUrl: (() => string) | undefined;

  private readonly failures = new Map<string, Failure>();
  private readonly hung = new Set<string>();
  private readonly slowMs = new Map<string, { ms: number; remaining: number }>();
  private nextTs = 1_767_268_800; // 2026-01-01T12:00:00Z, seconds
  private nextId = 1;
  private responseCounter = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    super();
  }

  static async start(): Promise<FakeSlack> {
    let fake: FakeSlack | undefined;
    const server = createServer((req, res) => {
      fake!.handle(req, res).catch((error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeSlack(server, `http://127.0.0.1:${port}`);
    return fake;
  }

  /** Base URL for SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A fresh response_url, as Slack puts in every command and interaction. */
  newResponseUrl(): string {
    return `${this.url}/response/${++this.responseCounter}`;
  }

  /** The next `times` calls of `method` answer `{ ok: false, error }`. */
  fail(method: string, error: string, times = Number.POSITIVE_INFINITY): void {
    this.failures.set(method, { error, remaining: times });
  }

  /** The next `times` calls of `method` answer HTTP `status` (a 503 from Slack's edge). */
  failHttp(method: string, status: number, times = 1): void {
    this.failures.set(method, { status, remaining: times });
  }

  /** The next `times` calls of `method` answer HTTP 429 with Retry-After. */
  rateLimit(method: string, retryAfterSeconds = 1, times = 1): void {
    this.failures.set(method, { retryAfterSeconds, remaining: times });
  }

  /** Calls of `method` are recorded and never answered (a hung Slack), until clearFailures or stop. */
  hang(method: string): void {
    this.hung.add(method);
  }

  /** The next `times` calls of `method` are answered `ms` late (a slow Slack); all of them until clearFailures by default. */
  slow(method: string, ms: number, times = Number.POSITIVE_INFINITY): void {
    this.slowMs.set(method, { ms, remaining: times });
  }

  clearFailures(): void {
    this.failures.clear();
    this.hung.clear();
    this.slowMs.clear();
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with the first recorded item that matches, now or when it arrives. */
  waitFor<T>(find: () => T | undefined, what = 'a matching Slack call', timeoutMs = 5_000): Promise<T> {
    return waitForChange(this, find, what, timeoutMs);
  }

  waitForCall(method: string, match: (call: RecordedCall) => boolean = () => true): Promise<RecordedCall> {
    return this.waitFor(() => this.calls.find((c) => c.method === method && match(c)), `a ${method} call`);
  }

  waitForResponse(match: (response: RecordedResponse) => boolean = () => true): Promise<RecordedResponse> {
    return this.waitFor(() => this.responses.find(match), 'a response_url post');
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', this.url).pathname;
    if (req.method === 'POST' && path.startsWith('/response/')) {
      const body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
      const problems = body.delete_original ? [] : messageViolations({ text: body.text, blocks: body.blocks });
      if (problems.length > 0) {
        this.violations.push(...problems.map((p) => `response_url: ${p}`));
        this.changed();
        return send(res, 400, 'invalid_blocks', 'text/plain');
      }
      this.responses.push({ path, body });
      this.changed();
      return send(res, 200, 'ok', 'text/plain');
    }
    if (req.method === 'POST' && path.startsWith('/upload/')) {
      // Slack takes the bytes raw or as a multipart form (the Web API client's files.uploadV2 sends a form).
      const contentType = req.headers['content-type'];
      let bytes = raw;
      if (contentType?.startsWith('multipart/form-data')) {
        const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
        const file = [...form.values()].find((v) => typeof v !== 'string') as Blob | undefined;
        if (!file) return send(res, 400, 'no file in the form', 'text/plain');
        bytes = Buffer.from(await file.arrayBuffer());
      }
      this.uploads.push({ fileId: path.slice('/upload/'.length), bytes, contentType });
      this.changed();
      return send(res, 200, `OK - ${raw.length}`, 'text/plain');
    }
    if (req.method === 'POST' && path.startsWith('/api/')) {
      const method = path.slice('/api/'.length);
      const args = parseArgs(raw, req.headers['content-type']);
      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice(7) : typeof args.token === 'string' ? args.token : undefined;
      delete args.token;
      this.calls.push({ method, args, ...(token ? { token } : {}) });
      if (this.hung.has(method)) {
        this.changed();
        return; // no answer: the caller's deadline has to end it
      }
      const late = this.slowMs.get(method);
      if (late && late.remaining > 0) {
        late.remaining -= 1;
        await new Promise((resolve) => setTimeout(resolve, late.ms));
      }
      const failure = this.failures.get(method);
      if (failure && failure.remaining > 0) {
        failure.remaining -= 1;
        this.changed();
        if (failure.retryAfterSeconds !== undefined) {
          res.setHeader('Retry-After', String(failure.retryAfterSeconds));
          return send(res, 429, JSON.stringify({ ok: false, error: 'ratelimited' }));
        }
        if (failure.status !== undefined) return send(res, failure.status, 'upstream unavailable', 'text/plain');
        return send(res, 200, JSON.stringify({ ok: false, error: failure.error }));
      }
      const answer = this.answer(method, args, token);
      this.changed();
      return send(res, 200, JSON.stringify(answer));
    }
    send(res, 404, 'not found', 'text/plain');
  }

  /**
   * What real Slack would refuse in a call: a missing required argument (invalid_arguments) or blocks that
   * break Block Kit's rules (invalid_blocks). Recorded in `violations` and answered the way Slack answers.
   */
  private refusal(method: string, args: Record<string, unknown>): { error: string; problems: string[] } | undefined {
    const missing = (REQUIRED_ARGS[method] ?? []).filter((name) => {
      const alternatives = name.split('|');
      return alternatives.every((a) => args[a] === undefined || args[a] === '');
    });
    if (method === 'files.getUploadURLExternal' && args.length !== undefined && !/^\d+$/.test(String(args.length))) missing.push('length (an integer)');
    if (method === 'files.completeUploadExternal') {
      const files = args.files;
      if (!Array.isArray(files) || files.length === 0 || files.some((f) => typeof f !== 'object' || f === null || typeof (f as { id?: unknown }).id !== 'string')) {
        missing.push('files (a JSON array of {"id", "title"})');
      }
      if (args.thread_ts !== undefined && args.channel_id === undefined && args.channels === undefined) missing.push('channel_id (with thread_ts)');
    }
    if (missing.length > 0) return { error: 'invalid_arguments', problems: missing.map((m) => `${method}: missing ${m}`) };
    if (method === 'views.open') {
      const problems = modalViolations(args.view);
      return problems.length > 0 ? { error: 'invalid_arguments', problems: problems.map((p) => `${method}: ${p}`) } : undefined;
    }
    if (method === 'chat.postMessage' || method === 'chat.update' || method === 'chat.postEphemeral') {
      const problems = messageViolations({ text: args.text, blocks: args.blocks });
      return problems.length > 0 ? { error: 'invalid_blocks', problems: problems.map((p) => `${method}: ${p}`) } : undefined;
    }
    return undefined;
  }

  private answer(method: string, args: Record<string, unknown>, token: string | undefined): Record<string, unknown> {
    const refused = this.refusal(method, args);
    if (refused) {
      this.violations.push(...refused.problems);
      return { ok: false, error: refused.error, response_metadata: { messages: refused.problems } };
    }
    switch (method) {
      case 'apps.connections.open':
        // Only an app-level token in the Authorization header (Slack's method reference).
        if (!token) return { ok: false, error: 'not_authed' };
        if (!token.startsWith('xapp-')) return { ok: false, error: 'not_allowed_token_type' };
        return this.socketModeUrl ? { ok: true, url: this.socketModeUrl() } : { ok: false, error: 'unknown_method' };
      case 'auth.test':
        return { ok: true, url: 'https://example.slack.com/', team: 'Example', user: 'switchover', team_id: TEAM_ID, user_id: BOT_USER_ID, bot_id: BOT_ID };
      case 'chat.postMessage': {
        const channel = String(args.channel ?? '');
        if (this.notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
        const ts = this.ts();
        const content = { text: args.text as string | undefined, blocks: args.blocks as unknown[] | undefined };
        this.messages.push({ channel, ts, ...content, threadTs: args.thread_ts as string | undefined, versions: [content] });
        return { ok: true, channel, ts, message: { type: 'message', ts, user: BOT_USER_ID, bot_id: BOT_ID, ...content } };
      }
      case 'chat.update': {
        const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        const content = { text: args.text as string | undefined, blocks: args.blocks as unknown[] | undefined };
        Object.assign(message, content);
        message.versions.push(content);
        return { ok: true, channel: message.channel, ts: message.ts, text: content.text, message: { ...content } };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.ts() };
      case 'chat.getPermalink': {
        const channel = String(args.channel ?? '');
        const ts = String(args.message_ts ?? '');
        if (!this.messages.some((m) => m.channel === channel && m.ts === ts)) return { ok: false, error: 'message_not_found' };
        return { ok: true, channel, permalink: `https://example.slack.com/archives/${channel}/p${ts.replace('.', '')}` };
      }
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(this.nextId++).padStart(8, '0')}`;
        return { ok: true, upload_url: `${this.url}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = (args.files as { id: string; title?: string }[] | undefined) ?? [];
        const unknown = files.find((f) => !this.uploads.some((u) => u.fileId === f.id));
        if (unknown) return { ok: false, error: 'file_not_found' };
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      case 'usergroups.users.list': {
        const members = this.groups[String(args.usergroup)];
        return members ? { ok: true, users: members } : { ok: false, error: 'no_such_subteam' };
      }
      case 'views.open':
        return { ok: true, view: { id: `V${String(this.nextId++).padStart(8, '0')}`, ...(args.view as object) } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private ts(): string {
    return `${this.nextTs++}.000100`;
  }

  private changed(): void {
    this.emit('change');
  }
}

/** Required arguments per Web API method (Slack's method reference); `a|b` means either. */
const REQUIRED_ARGS: Record<string, string[]> = {
  'chat.postMessage': ['channel', 'text|blocks'],
  'chat.update': ['channel', 'ts'],
  'chat.postEphemeral': ['channel', 'user', 'text|blocks'],
  'chat.getPermalink': ['channel', 'message_ts'],
  'files.getUploadURLExternal': ['filename', 'length'],
  'files.completeUploadExternal': ['files'],
  'usergroups.users.list': ['usergroup'],
  'views.open': ['trigger_id', 'view'],
};

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The Web API client sends form fields, with objects (blocks, files) as JSON strings. */
function parseArgs(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (contentType?.includes('application/json')) return (JSON.parse(text || '{}') as Record<string, unknown>) ?? {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    args[key] = /^[[{]/.test(value) ? tryJson(value) : value;
  }
  return args;
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function send(res: ServerResponse, status: number, body: string, contentType = 'application/json'): void {
  res.writeHead(status, { 'Content-Type': contentType });
  res.end(body);
}
