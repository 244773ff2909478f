// SlackHttpReceiver over real HTTP on 127.0.0.1 (port 0): what Slack's signed requests get back, and what reaches
// the app's processEvent, with a stand-in app whose listener each test writes, a small body limit, a short ack
// timeout and a fixed clock.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import {
  AuthorizationError,
  ErrorCode,
  LogLevel,
  ReceiverMultipleAckError,
  type App,
  type Logger,
  type ReceiverEvent,
} from '@slack/bolt';
import { SlackHttpReceiver, type SlackHttpReceiverOptions } from '../../src/slack/http-receiver';
import { signedHeaders, slackSignature } from '../support/slack-signature';

const SECRET = 'receiver-test-signing-secret-8f3a';
const EVENTS_PATH = '/slack/events';
const HEALTH_PATH = '/healthz';
const LIMIT = 1024;
const ACK_MS = 100;
/** The receiver's clock in every test that does not say otherwise (2026-01-01T12:00:00Z). */
const NOW = 1_767_268_800;
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

// ---------------------------------------------------------------------------------------------------------------
// Stand-ins: a logger that records, an app whose processEvent records and hands each event to the test's listener.

type Level = 'debug' | 'info' | 'warn' | 'error';

class RecordingLogger implements Logger {
  readonly lines: { level: Level; text: string }[] = [];
  private level = LogLevel.DEBUG;
  debug(...msg: unknown[]): void {
    this.record('debug', msg);
  }
  info(...msg: unknown[]): void {
    this.record('info', msg);
  }
  warn(...msg: unknown[]): void {
    this.record('warn', msg);
  }
  error(...msg: unknown[]): void {
    this.record('error', msg);
  }
  setLevel(level: LogLevel): void {
    this.level = level;
  }
  getLevel(): LogLevel {
    return this.level;
  }
  setName(_name: string): void {}
  at(level: Level): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.text);
  }
  all(): string {
    return this.lines.map((l) => `${l.level} ${l.text}`).join('\n');
  }
  private record(level: Level, msg: unknown[]): void {
    this.lines.push({ level, text: msg.map((m) => (m instanceof Error ? `${m.name}: ${m.message} ${m.stack ?? ''}` : typeof m === 'string' ? m : JSON.stringify(m))).join(' ') });
  }
}

type Listener = (event: ReceiverEvent) => Promise<void> | void;

class FakeApp {
  readonly events: ReceiverEvent[] = [];
  constructor(public listener: Listener = (event) => event.ack()) {}
  async processEvent(event: ReceiverEvent): Promise<void> {
    this.events.push(event);
    await this.listener(event);
  }
}

interface Started {
  receiver: SlackHttpReceiver;
  server: http.Server;
  port: number;
  app: FakeApp;
  logger: RecordingLogger;
}

const running: SlackHttpReceiver[] = [];
const loggers: RecordingLogger[] = [];

function makeReceiver(options: Partial<SlackHttpReceiverOptions> = {}): { receiver: SlackHttpReceiver; logger: RecordingLogger } {
  const logger = new RecordingLogger();
  loggers.push(logger);
  const receiver = new SlackHttpReceiver({
    signingSecret: SECRET,
    logger,
    eventsPath: EVENTS_PATH,
    healthPath: HEALTH_PATH,
    bodyLimitBytes: LIMIT,
    ackTimeoutMs: ACK_MS,
    nowSec: () => NOW,
    ...options,
  });
  running.push(receiver);
  return { receiver, logger };
}

async function startReceiver(listener?: Listener, options: Partial<SlackHttpReceiverOptions> = {}, init = true): Promise<Started> {
  const { receiver, logger } = makeReceiver(options);
  const app = new FakeApp(listener);
  if (init) receiver.init(app as unknown as App);
  const server = await receiver.start(0);
  const { port } = server.address() as AddressInfo;
  return { receiver, server, port, app, logger };
}

/** A request whose headers promise 100 bytes of body, of which only a few are ever sent. */
async function stallMidBody(port: number): Promise<{ closed: Promise<void>; received(): string }> {
  const socket = net.connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((done) => socket.on('close', () => done()));
  await new Promise<void>((done) => socket.once('connect', () => done()));
  socket.write('POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ncommand=');
  await delay(20);
  return { closed, received: () => Buffer.concat(chunks).toString('latin1') };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
  for (const logger of loggers.splice(0)) expect(logger.all()).not.toContain(SECRET);
});

// ---------------------------------------------------------------------------------------------------------------
// HTTP client helpers (node:http, one connection per request unless an agent is given).

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface RequestOptions {
  method?: string;
  path?: string;
  headers?: http.OutgoingHttpHeaders;
  body?: string | Buffer;
  agent?: http.Agent | false;
}

function request(port: number, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? EVENTS_PATH, headers: options.headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Sends the headers and whatever `write` sends, never ending the body, and resolves with the answer: for a server
 * that answers before it has the whole body. The request is dropped once answered.
 */
function requestUnfinished(port: number, headers: http.OutgoingHttpHeaders, write: (req: http.ClientRequest) => void): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: EVENTS_PATH, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        answered = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        req.destroy();
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.flushHeaders();
    write(req);
  });
}

/**
 * A signed form POST that gives up after `ms` (answering status 0) and drops its connection, so that a request the
 * receiver never answers neither hangs the test nor keeps stop() waiting.
 */
function postGivingUp(port: number, body: string, ms: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: EVENTS_PATH, agent: false, headers: { 'content-type': FORM, ...signedHeaders(SECRET, body, NOW) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    const timer = setTimeout(() => {
      resolve({ status: 0, headers: {}, body: 'no answer' });
      req.destroy();
    }, ms);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(body);
  });
}

/** A signed POST to the events path (signed over `body` at NOW unless `headers` says otherwise). */
function post(port: number, body: string, contentType = FORM, headers: http.OutgoingHttpHeaders = signedHeaders(SECRET, body, NOW), path = EVENTS_PATH): Promise<Reply> {
  return request(port, { path, body, headers: { 'content-type': contentType, ...headers } });
}

/** Slack's signature over a timestamp header taken as is (the helpers take a number). */
function signRaw(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(5);
  }
}

/** A gate a listener waits on and the test opens. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

// Slack's documented slash-command fields (a subset), form-encoded as Slack sends them.
const SLASH_FIELDS = {
  token: 'legacy-verification-token',
  team_id: 'T0001',
  channel_id: 'C0SWITCH',
  user_id: 'U0ALICE',
  command: '/switchover',
  text: 'shift dev 10',
  response_url: 'https://hooks.slack.com/commands/T0001/1234/abcd',
  trigger_id: '13345224609.738474920.8088930838d88f008e0',
};
const SLASH_BODY = new URLSearchParams(SLASH_FIELDS).toString();

const BLOCK_ACTIONS = {
  type: 'block_actions',
  team: { id: 'T0001', domain: 'example' },
  user: { id: 'U0BOB', username: 'bob', team_id: 'T0001' },
  channel: { id: 'C0SWITCH', name: 'switchover' },
  container: { type: 'message', message_ts: '1767268800.000100', channel_id: 'C0SWITCH', is_ephemeral: false },
  trigger_id: '123.456.abc',
  response_url: 'https://hooks.slack.com/actions/T0001/1/xyz',
  actions: [{ type: 'button', action_id: 'approve', block_id: 'decision', value: 'request-1', action_ts: '1767268801.000200' }],
};

const EVENT_CALLBACK = {
  token: 'legacy-verification-token',
  team_id: 'T0001',
  api_app_id: 'A0001',
  type: 'event_callback',
  event_id: 'Ev0001',
  event_time: NOW,
  event: { type: 'app_mention', user: 'U0ALICE', text: '<@U0BOT> status', ts: '1767268800.000300', channel: 'C0SWITCH' },
};

// ---------------------------------------------------------------------------------------------------------------

describe('SlackHttpReceiver', () => {
  describe('signed requests reach processEvent', () => {
    it('hands a slash command’s form fields to processEvent as the body, and ack() answers 200 with an empty body', async () => {
      const { port, app } = await startReceiver();

      const reply = await post(port, SLASH_BODY);

      expect(reply.status).toBe(200);
      expect(reply.body).toBe('');
      expect(app.events).toHaveLength(1);
      expect(app.events[0]!.body).toEqual(SLASH_FIELDS);
      expect(app.events[0]!.body).toMatchObject({ command: '/switchover', text: 'shift dev 10', response_url: 'https://hooks.slack.com/commands/T0001/1234/abcd' });
    });

    it('answers ack("text") with 200 and that text', async () => {
      const { port, app } = await startReceiver((event) => event.ack('Working on it…'));

      const reply = await post(port, SLASH_BODY);

      expect(reply.status).toBe(200);
      expect(reply.body).toBe('Working on it…');
      expect(app.events).toHaveLength(1);
    });

    it('answers ack({ text, blocks }) with 200, content-type application/json and that JSON', async () => {
      const message = { text: 'hi', blocks: [] };
      const { port } = await startReceiver((event) => event.ack(message));

      const reply = await post(port, SLASH_BODY);

      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('application/json');
      expect(JSON.parse(reply.body)).toEqual(message);
    });

    it('answers as soon as ack() is called, while the listener is still working', async () => {
      const work = gate();
      let finished = false;
      const { port } = await startReceiver(async (event) => {
        await event.ack();
        await work.wait;
        finished = true;
      });

      const reply = await post(port, SLASH_BODY);

      expect(reply.status).toBe(200);
      expect(finished).toBe(false);
      work.open();
      await until(() => finished, 'the listener to finish');
    });

    it('treats "application/x-www-form-urlencoded; charset=utf-8" as a form', async () => {
      const { port, app } = await startReceiver();

      const reply = await post(port, SLASH_BODY, 'application/x-www-form-urlencoded; charset=utf-8');

      expect(reply.status).toBe(200);
      expect(app.events[0]!.body).toEqual(SLASH_FIELDS);
    });

    it('hands an interactive payload (form field `payload`) to processEvent as the parsed JSON object', async () => {
      const { port, app } = await startReceiver();
      const body = new URLSearchParams({ payload: JSON.stringify(BLOCK_ACTIONS) }).toString();

      const reply = await post(port, body);

      expect(reply.status).toBe(200);
      expect(app.events).toHaveLength(1);
      expect(app.events[0]!.body).toEqual(BLOCK_ACTIONS);
    });

    it('hands a signed JSON body (Events API) to processEvent parsed', async () => {
      const { port, app } = await startReceiver();
      const body = JSON.stringify(EVENT_CALLBACK);

      const reply = await post(port, body, JSON_TYPE);

      expect(reply.status).toBe(200);
      expect(app.events).toHaveLength(1);
      expect(app.events[0]!.body).toEqual(EVENT_CALLBACK);
    });

    it('reads a JSON body with a charset in its content-type', async () => {
      const { port, app } = await startReceiver();
      const body = JSON.stringify(EVENT_CALLBACK);

      const reply = await post(port, body, 'application/json; charset=utf-8');

      expect(reply.status).toBe(200);
      expect(app.events[0]!.body).toEqual(EVENT_CALLBACK);
    });

    it('checks the signature over the raw bytes, multi-byte UTF-8 included', async () => {
      const { port, app } = await startReceiver();
      const body = new URLSearchParams({ ...SLASH_FIELDS, text: 'shift prod 50 — “ünïcødé” 🚦' }).toString();

      const reply = await post(port, body);

      expect(reply.status).toBe(200);
      expect(app.events[0]!.body).toMatchObject({ text: 'shift prod 50 — “ünïcødé” 🚦' });
    });
  });

  describe('Slack’s own checks', () => {
    it('answers url_verification with 200 and {"challenge"} as JSON, without processEvent', async () => {
      const { port, app } = await startReceiver();
      const body = JSON.stringify({ token: 'legacy', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });

      const reply = await post(port, body, JSON_TYPE);

      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('application/json');
      expect(JSON.parse(reply.body)).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
      expect(app.events).toHaveLength(0);
    });

    it('refuses an unsigned url_verification with 401', async () => {
      const { port, app } = await startReceiver();
      const body = JSON.stringify({ token: 'legacy', challenge: 'c', type: 'url_verification' });

      const reply = await post(port, body, JSON_TYPE, {});

      expect(reply.status).toBe(401);
      expect(reply.body).toBe('');
      expect(app.events).toHaveLength(0);
    });

    it('answers an ssl_check=1 form POST without signature headers with 200, without processEvent', async () => {
      const { port, app } = await startReceiver();

      const reply = await post(port, 'ssl_check=1&token=legacy-verification-token', FORM, {});

      expect(reply.status).toBe(200);
      expect(reply.body).toBe('');
      expect(app.events).toHaveLength(0);
    });
  });

  describe('signature check', () => {
    const body = SLASH_BODY;
    const good = slackSignature(SECRET, NOW, body);
    const cases: [name: string, headers: http.OutgoingHttpHeaders, sent: string, why: RegExp][] = [
      ['no signature headers', {}, body, /no signature headers/],
      ['a signature without a timestamp', { 'x-slack-signature': good }, body, /no signature headers/],
      ['a timestamp without a signature', { 'x-slack-request-timestamp': String(NOW) }, body, /no signature headers/],
      ['a signature made with the wrong secret', signedHeaders('not-the-signing-secret', body, NOW), body, /signature mismatch/],
      ['a body altered after signing', signedHeaders(SECRET, body, NOW), body.replace('shift+dev+10', 'shift+dev+100'), /signature mismatch/],
      ['a timestamp 301 s old', signedHeaders(SECRET, body, NOW - 301), body, /five minutes/],
      ['a timestamp a day old', signedHeaders(SECRET, body, NOW - 86_400), body, /five minutes/],
      ['a timestamp 301 s in the future', signedHeaders(SECRET, body, NOW + 301), body, /five minutes/],
      ['a non-numeric timestamp', { 'x-slack-request-timestamp': 'yesterday', 'x-slack-signature': signRaw(SECRET, 'yesterday', body) }, body, /not a number/],
      ['a fractional timestamp', { 'x-slack-request-timestamp': `${NOW}.5`, 'x-slack-signature': signRaw(SECRET, `${NOW}.5`, body) }, body, /not a number/],
      ['a negative timestamp', { 'x-slack-request-timestamp': `-${NOW}`, 'x-slack-signature': signRaw(SECRET, `-${NOW}`, body) }, body, /not a number/],
      ['an empty timestamp', { 'x-slack-request-timestamp': '', 'x-slack-signature': signRaw(SECRET, '', body) }, body, /not a number/],
      ['a signature of another version (v1=)', { 'x-slack-request-timestamp': String(NOW), 'x-slack-signature': good.replace(/^v0=/, 'v1=') }, body, /version/],
      ['a signature with no version prefix', { 'x-slack-request-timestamp': String(NOW), 'x-slack-signature': good.slice(3) }, body, /version/],
      ['a v0= signature one byte short', { 'x-slack-request-timestamp': String(NOW), 'x-slack-signature': good.slice(0, -2) }, body, /signature mismatch/],
      ['a v0= signature one byte long', { 'x-slack-request-timestamp': String(NOW), 'x-slack-signature': `${good}00` }, body, /signature mismatch/],
      ['an empty v0= signature', { 'x-slack-request-timestamp': String(NOW), 'x-slack-signature': 'v0=' }, body, /signature mismatch/],
      ['a v0= signature of the right length that is not hex', { 'x-slack-request-timestamp': String(NOW), 'x-slack-signature': `v0=${'zz'.repeat(32)}` }, body, /signature mismatch/],
    ];

    it.each(cases)('refuses %s with 401, a warning saying why, and no processEvent', async (_name, headers, sent, why) => {
      const { port, app, logger } = await startReceiver();

      const reply = await post(port, sent, FORM, headers);

      expect(reply.status).toBe(401);
      expect(reply.body).toBe('');
      expect(app.events).toHaveLength(0);
      const warnings = logger.at('warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/Failed to verify a request from Slack/);
      expect(warnings[0]).toMatch(why);
    });

    it.each([
      ['299 s old', NOW - 299],
      ['exactly 300 s old', NOW - 300],
      ['299 s in the future', NOW + 299],
      ['exactly 300 s in the future', NOW + 300],
    ])('accepts a correctly signed request %s', async (_name, timestampSec) => {
      const { port, app, logger } = await startReceiver();

      const reply = await post(port, SLASH_BODY, FORM, signedHeaders(SECRET, SLASH_BODY, timestampSec));

      expect(reply.status).toBe(200);
      expect(app.events).toHaveLength(1);
      expect(logger.at('warn')).toEqual([]);
    });

    it('uses the real clock when no nowSec is given', async () => {
      const { port, app } = await startReceiver(undefined, { nowSec: undefined });
      const realNow = Math.floor(Date.now() / 1000);

      expect((await post(port, SLASH_BODY, FORM, signedHeaders(SECRET, SLASH_BODY, realNow))).status).toBe(200);
      expect((await post(port, SLASH_BODY, FORM, signedHeaders(SECRET, SLASH_BODY, realNow - 400))).status).toBe(401);
      expect((await post(port, SLASH_BODY, FORM, signedHeaders(SECRET, SLASH_BODY, realNow + 400))).status).toBe(401);
      expect(app.events).toHaveLength(1);
    });

    it('checks the signature before reading the body: an unsigned malformed body is 401, not 400', async () => {
      const { port, app } = await startReceiver();

      const reply = await post(port, '{not json', JSON_TYPE, {});

      expect(reply.status).toBe(401);
      expect(app.events).toHaveLength(0);
    });
  });

  describe('malformed bodies', () => {
    it.each([
      ['a JSON body that is not JSON', JSON_TYPE, '{"type":"event_callback",'],
      ['a JSON body that is a string, not an object', JSON_TYPE, '"event_callback"'],
      ['a JSON body that is null', JSON_TYPE, 'null'],
      ['an empty JSON body', JSON_TYPE, ''],
      ['a form whose payload is not JSON', FORM, 'payload=%7Bnot+json'],
      ['a form whose payload is a JSON number', FORM, 'payload=42'],
    ])('answers %s, correctly signed, with 400 and no processEvent', async (_name, contentType, body) => {
      const { port, app, logger } = await startReceiver();

      const reply = await post(port, body, contentType);

      expect(reply.status).toBe(400);
      expect(reply.body).toBe('');
      expect(app.events).toHaveLength(0);
      expect(logger.at('warn').join('\n')).toMatch(/Malformed request body/);
    });
  });

  describe('body size', () => {
    /** A signed slash command exactly `size` bytes long. */
    function commandOfSize(size: number): string {
      const head = 'command=%2Fswitchover&text=';
      return head + 'a'.repeat(size - head.length);
    }

    it('answers a body larger than the limit, announced by content-length, with 413 and closes the connection', async () => {
      const { port, app, logger } = await startReceiver();
      const body = commandOfSize(LIMIT + 1);

      const reply = await post(port, body);

      expect(reply.status).toBe(413);
      expect(reply.headers.connection).toBe('close');
      expect(app.events).toHaveLength(0);
      expect(logger.at('warn').join('\n')).toMatch(/exceeded the maximum allowed size \(limit: 1024 bytes\)/);
    });

    it('answers 413 at once on a content-length over the limit, without waiting for the body', async () => {
      const { port, app } = await startReceiver();
      const body = 'command=%2Fswitchover&text=status';

      const reply = await requestUnfinished(port, { 'content-type': FORM, 'content-length': 10 * 1024 * 1024, ...signedHeaders(SECRET, body, NOW) }, (req) => req.write(body));

      expect(reply.status).toBe(413);
      expect(app.events).toHaveLength(0);
    });

    it('answers a chunked body (no content-length) that grows past the limit in one chunk with 413', async () => {
      const { port, app } = await startReceiver();
      const body = commandOfSize(LIMIT + 1);

      const reply = await requestUnfinished(port, { 'content-type': FORM, 'transfer-encoding': 'chunked', ...signedHeaders(SECRET, body, NOW) }, (req) => req.write(body));

      expect(reply.status).toBe(413);
      expect(reply.headers.connection).toBe('close');
      expect(app.events).toHaveLength(0);
    });

    it('answers a chunked body that passes the limit over several chunks with 413', async () => {
      const { port, app } = await startReceiver();
      const body = commandOfSize(LIMIT * 2);

      const reply = await requestUnfinished(port, { 'content-type': FORM, 'transfer-encoding': 'chunked', ...signedHeaders(SECRET, body, NOW) }, (req) => {
        for (let at = 0; at < body.length; at += 200) req.write(body.slice(at, at + 200));
      });

      expect(reply.status).toBe(413);
      expect(app.events).toHaveLength(0);
    });

    it('takes a body exactly at the limit, with content-length or chunked', async () => {
      const { port, app } = await startReceiver();
      const body = commandOfSize(LIMIT);
      expect(Buffer.byteLength(body)).toBe(LIMIT);

      expect((await post(port, body)).status).toBe(200);
      const chunked = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port, method: 'POST', path: EVENTS_PATH, agent: false, headers: { 'content-type': FORM, 'transfer-encoding': 'chunked', ...signedHeaders(SECRET, body, NOW) } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        for (let at = 0; at < body.length; at += 100) req.write(body.slice(at, at + 100));
        req.end();
      });
      expect(chunked).toBe(200);
      expect(app.events).toHaveLength(2);
      expect(app.events[1]!.body).toEqual({ command: '/switchover', text: 'a'.repeat(LIMIT - 'command=%2Fswitchover&text='.length) });
    });
  });

  describe('routes', () => {
    it('answers GET on the health path with 200 "ok"', async () => {
      const { port, app } = await startReceiver();

      const reply = await request(port, { method: 'GET', path: HEALTH_PATH });

      expect(reply.status).toBe(200);
      expect(reply.body).toBe('ok');
      expect(reply.headers['content-type']).toBe('text/plain');
      expect(app.events).toHaveLength(0);
    });

    it('answers HEAD on the health path with 200 and no body', async () => {
      const { port } = await startReceiver();

      const reply = await request(port, { method: 'HEAD', path: HEALTH_PATH });

      expect(reply.status).toBe(200);
      expect(reply.body).toBe('');
    });

    it('answers the health path with a query string', async () => {
      const { port } = await startReceiver();

      expect((await request(port, { method: 'GET', path: `${HEALTH_PATH}?probe=elb` })).status).toBe(200);
    });

    it('answers the health path over fetch', async () => {
      const { port } = await startReceiver();

      const response = await fetch(`http://127.0.0.1:${port}${HEALTH_PATH}`, { headers: { connection: 'close' } });

      expect(response.status).toBe(200);
      expect(await response.text()).toBe('ok');
    });

    it.each([
      ['GET on the events path', 'GET', EVENTS_PATH],
      ['PUT on the events path', 'PUT', EVENTS_PATH],
      ['POST elsewhere', 'POST', '/slack/other'],
      ['POST on the health path', 'POST', HEALTH_PATH],
      ['POST on the events path with a trailing slash', 'POST', `${EVENTS_PATH}/`],
      ['GET on the root', 'GET', '/'],
    ])('answers %s with 404 and no processEvent', async (_name, method, path) => {
      const { port, app, logger } = await startReceiver();

      const reply = await request(port, { method, path, body: method === 'GET' ? undefined : SLASH_BODY, headers: { 'content-type': FORM, ...signedHeaders(SECRET, SLASH_BODY, NOW) } });

      expect(reply.status).toBe(404);
      expect(reply.body).toBe('');
      expect(app.events).toHaveLength(0);
      expect(logger.at('info').join('\n')).toContain(`Unhandled HTTP request (${method})`);
    });

    it('routes the events path with a query string (/slack/events?x=1) to the events path', async () => {
      const { port, app } = await startReceiver();

      const reply = await post(port, SLASH_BODY, FORM, signedHeaders(SECRET, SLASH_BODY, NOW), `${EVENTS_PATH}?x=1`);

      expect(reply.status).toBe(200);
      expect(app.events).toHaveLength(1);
      expect(app.events[0]!.body).toEqual(SLASH_FIELDS);
    });

    it('answers 503 and logs an error when a signed request comes before init() gave it the app', async () => {
      const { port, app, logger } = await startReceiver(undefined, {}, false);

      const reply = await post(port, SLASH_BODY);

      expect(reply.status).toBe(503);
      expect(app.events).toHaveLength(0);
      expect(logger.at('error').join('\n')).toMatch(/before the receiver was given the Bolt app/);
      await delay(ACK_MS + 30);
      expect(logger.at('error')).toHaveLength(1);
    });
  });

  describe('retry headers', () => {
    it('passes x-slack-retry-num and x-slack-retry-reason as retryNum and retryReason', async () => {
      const { port, app } = await startReceiver();

      const reply = await post(port, JSON.stringify(EVENT_CALLBACK), JSON_TYPE, {
        ...signedHeaders(SECRET, JSON.stringify(EVENT_CALLBACK), NOW),
        'x-slack-retry-num': '2',
        'x-slack-retry-reason': 'http_timeout',
      });

      expect(reply.status).toBe(200);
      expect(app.events[0]!.retryNum).toBe(2);
      expect(app.events[0]!.retryReason).toBe('http_timeout');
    });

    it('leaves retryNum and retryReason undefined without the headers', async () => {
      const { port, app } = await startReceiver();

      await post(port, JSON.stringify(EVENT_CALLBACK), JSON_TYPE);

      expect(app.events[0]!.retryNum).toBeUndefined();
      expect(app.events[0]!.retryReason).toBeUndefined();
    });
  });

  describe('acknowledgement', () => {
    it('rejects a second ack() with ReceiverMultipleAckError and keeps the first answer', async () => {
      const second: unknown[] = [];
      const { port } = await startReceiver(async (event) => {
        await event.ack('first');
        await event.ack('second').catch((error: unknown) => second.push(error));
      });

      const reply = await post(port, SLASH_BODY);

      expect(reply.status).toBe(200);
      expect(reply.body).toBe('first');
      await until(() => second.length === 1, 'the second ack to settle');
      expect(second[0]).toBeInstanceOf(ReceiverMultipleAckError);
    });

    it('does not answer again or log a timeout after an ack', async () => {
      const { port, logger } = await startReceiver();

      expect((await post(port, SLASH_BODY)).status).toBe(200);
      await delay(ACK_MS + 50);

      expect(logger.at('error')).toEqual([]);
    });

    it.each([
      ['returns without calling ack()', (): Promise<void> => Promise.resolve()],
      ['never settles', (): Promise<void> => new Promise<void>(() => undefined)],
    ])('answers 404 after ackTimeoutMs and logs an error when the listener %s; a late ack() rejects', async (_name, listener) => {
      const { port, app, logger } = await startReceiver(listener);

      const started = Date.now();
      const reply = await post(port, SLASH_BODY);
      const waited = Date.now() - started;

      expect(reply.status).toBe(404);
      expect(reply.body).toBe('');
      expect(waited).toBeGreaterThanOrEqual(ACK_MS - 5);
      expect(waited).toBeLessThan(ACK_MS + 1_000);
      expect(app.events).toHaveLength(1);
      expect(logger.at('error').join('\n')).toMatch(/not acknowledged within 3 seconds/);
      await expect(app.events[0]!.ack()).rejects.toThrow(/after Slack stopped waiting/);
      await expect(app.events[0]!.ack({ text: 'too late' })).rejects.toThrow(/after Slack stopped waiting/);
    });
  });

  describe('processEvent failing', () => {
    it('answers 500 and logs an error when processEvent rejects before ack', async () => {
      const { port, logger } = await startReceiver(() => Promise.reject(new Error('listener exploded')));

      const reply = await post(port, SLASH_BODY);

      expect(reply.status).toBe(500);
      expect(reply.body).toBe('');
      expect(logger.at('error').join('\n')).toMatch(/unhandled error occurred while Bolt processed an event/);
      await delay(ACK_MS + 50); // the ack timer is gone: no second answer, no timeout log
      expect(logger.at('error')).toHaveLength(1);
    });

    it('answers 401 when processEvent rejects with Bolt’s AuthorizationError', async () => {
      const { port } = await startReceiver(() => Promise.reject(new AuthorizationError('no installation', new Error('not found'))));

      const reply = await post(port, SLASH_BODY);

      expect(reply.status).toBe(401);
    });

    it('answers 401 for any rejection whose code is ErrorCode.AuthorizationError', async () => {
      const { port } = await startReceiver(() => Promise.reject(Object.assign(new Error('authorize failed'), { code: ErrorCode.AuthorizationError })));

      const reply = await post(port, SLASH_BODY);

      expect(reply.status).toBe(401);
    });

    it('keeps the 200 and logs an error when processEvent rejects after ack', async () => {
      const { port, logger } = await startReceiver(async (event) => {
        await event.ack('accepted');
        throw new Error('failed after ack');
      });

      const reply = await post(port, SLASH_BODY);

      expect(reply.status).toBe(200);
      expect(reply.body).toBe('accepted');
      await until(() => logger.at('error').length > 0, 'the error log');
      expect(logger.at('error').join('\n')).toMatch(/after ack\(\) called in a listener/);
    });

    it('answers 500 when processEvent rejects with a string (not an Error)', async () => {
      const { port, logger } = await startReceiver(() => Promise.reject('listener gave up'));

      const reply = await postGivingUp(port, SLASH_BODY, 3_000);

      expect(reply.status).toBe(500);
      expect(logger.at('error').join('\n')).toMatch(/unhandled error occurred while Bolt processed an event/);
    });

    // The reason is read for its code: a rejection with no object at all must not throw in the handler.
    it.each([
      ['undefined', undefined],
      ['null', null],
    ])('answers 500 when processEvent rejects with %s', async (_name, reason) => {
      const { port, logger } = await startReceiver(() => Promise.reject(reason));

      const reply = await postGivingUp(port, SLASH_BODY, 3_000);

      expect(reply.status).toBe(500);
      expect(logger.at('error').join('\n')).toMatch(/unhandled error occurred while Bolt processed an event/);
    });
  });

  describe('lifecycle', () => {
    it('says an error the listening server reports, and goes on serving', async () => {
      const { server, port, logger } = await startReceiver();
      server.emit('error', new Error('accept EMFILE'));
      server.emit('error', new Error('accept EMFILE'));
      expect(logger.at('error').join('\n')).toContain('The HTTP server reported an error: accept EMFILE');
      expect((await request(port, { method: 'GET', path: HEALTH_PATH })).status).toBe(200);
    });

    it('keeps an idle connection open longer than an AWS load balancer does (60 s), so the balancer closes it first', async () => {
      const { server } = await startReceiver();
      expect(server.keepAliveTimeout).toBeGreaterThan(60_000);
    });

    it('stop() closes the server, even with an idle keep-alive connection open, and new connections are refused', async () => {
      const { receiver, port } = await startReceiver();
      const agent = new http.Agent({ keepAlive: true });
      try {
        expect((await request(port, { method: 'GET', path: HEALTH_PATH, agent })).status).toBe(200);
        await until(() => Object.values(agent.freeSockets).flat().length === 1, 'the idle keep-alive socket');

        const started = Date.now();
        await receiver.stop();
        expect(Date.now() - started).toBeLessThan(1_000);

        await expect(request(port, { method: 'GET', path: HEALTH_PATH })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      } finally {
        agent.destroy();
      }
    });

    it('stop() lets a request in progress finish before it resolves', async () => {
      const release = gate();
      const { receiver, port, app } = await startReceiver(async (event) => {
        await release.wait;
        await event.ack('finished');
      });
      const inFlight = post(port, SLASH_BODY);
      await until(() => app.events.length === 1, 'the request to reach processEvent');

      let stopped = false;
      const stopping = receiver.stop().then(() => (stopped = true));
      await delay(20);
      expect(stopped).toBe(false);
      release.open();

      const reply = await inFlight;
      expect(reply.status).toBe(200);
      expect(reply.body).toBe('finished');
      await stopping;
      expect(stopped).toBe(true);
    });

    it('answers 408 to a client that stops sending mid-body, and closes its connection', async () => {
      const { port, app } = await startReceiver(undefined, { requestTimeoutMs: 200 });
      const stalled = await stallMidBody(port);
      await stalled.closed;
      expect(stalled.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(app.events).toHaveLength(0);
    });

    it("stop() cuts off a client stalled mid-body once Slack's wait (ackTimeoutMs) is over, instead of waiting for it", async () => {
      const { receiver, port, app } = await startReceiver(undefined, { requestTimeoutMs: 60_000 });
      const stalled = await stallMidBody(port);
      const started = Date.now();
      await receiver.stop();
      await stalled.closed;
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(app.events).toHaveLength(0);
    });

    it('stop() before start() resolves, and stop() twice resolves', async () => {
      const { receiver } = makeReceiver();
      await expect(receiver.stop()).resolves.toBeUndefined();

      await receiver.start(0);
      await expect(receiver.stop()).resolves.toBeUndefined();
      await expect(receiver.stop()).resolves.toBeUndefined();
    });

    it('start() twice rejects, and the first server keeps serving', async () => {
      const { receiver, port } = await startReceiver();

      await expect(receiver.start(0)).rejects.toThrow(/already started/);

      expect((await post(port, SLASH_BODY)).status).toBe(200);
    });

    it('can start again after stop(), and after a start() that failed', async () => {
      const first = await startReceiver();
      const { receiver } = makeReceiver();
      receiver.init(new FakeApp() as unknown as App);

      await expect(receiver.start(first.port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
      const server = await receiver.start(0);
      const { port } = server.address() as AddressInfo;
      expect((await post(port, SLASH_BODY)).status).toBe(200);

      await receiver.stop();
      const again = await receiver.start(0);
      expect((await post((again.address() as AddressInfo).port, SLASH_BODY)).status).toBe(200);
    });

    it('refuses an empty signing secret', () => {
      expect(() => new SlackHttpReceiver({ signingSecret: '', logger: new RecordingLogger(), eventsPath: EVENTS_PATH, healthPath: HEALTH_PATH })).toThrow(/signing secret is required/);
    });
  });
});
