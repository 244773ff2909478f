// HTTP mode over real HTTP on 127.0.0.1: Bolt's HTTPReceiver with the bot's layer in front of it. Real signed
// requests go through Bolt's own signature check to a stand-in app; unsigned and stale ones are refused before
// their body is read (the memory finding: a flood of large unsigned bodies), and the server keeps its limits.
import net, { type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { LogLevel, type App, type Logger, type ReceiverEvent } from '@slack/bolt';
import {
  ACK_TIMEOUT_MS,
  BODY_LIMIT_BYTES,
  KEEP_ALIVE_TIMEOUT_MS,
  MAX_CONNECTIONS,
  REQUEST_TIMEOUT_MS,
  SlackHttpReceiver,
} from '../../src/slack/http-mode';
import { signedHeaders } from '../support/slack-signature';

const SECRET = 'http-mode-test-signing-secret-5c1d';
const EVENTS_PATH = '/slack/events';
const FORM = 'application/x-www-form-urlencoded';

const warnings: string[] = [];
const logger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (...msg: unknown[]) => void warnings.push(msg.join(' ')),
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.DEBUG,
  setName: () => undefined,
};

let receiver: SlackHttpReceiver;
let server: Server;
let port: number;
const events: ReceiverEvent[] = [];
let dataDirHeld = true;

beforeEach(async () => {
  dataDirHeld = true;
  warnings.length = 0;
  events.length = 0;
  receiver = new SlackHttpReceiver({ signingSecret: SECRET, logger, eventsPath: EVENTS_PATH, healthPath: '/healthz', health: () => ({ dataDirHeld }) });
  const app = {
    processEvent: async (event: ReceiverEvent) => {
      events.push(event);
      await event.ack({ text: 'ok from the app' });
    },
  };
  receiver.init(app as unknown as App);
  server = await receiver.start(0);
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  await receiver.stop();
});

function post(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}${EVENTS_PATH}`, { method: 'POST', headers: { 'content-type': FORM, ...headers }, body });
}

/**
 * Sends the headers of a POST promising `length` bytes and then only `sent` of them, and resolves with what the
 * server answered and whether it closed the connection, without ever sending the rest.
 */
function partialPost(headers: Record<string, string>, length: number, sent: number, waitMs = 2_000): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ answer, closed: true }));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close within ${waitMs} ms; got ${JSON.stringify(answer)}`));
    }, waitMs);
    socket.on('close', () => clearTimeout(timer));
    const lines = [`POST ${EVENTS_PATH} HTTP/1.1`, 'host: 127.0.0.1', `content-type: ${FORM}`, `content-length: ${length}`];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    socket.write(Buffer.alloc(sent, 'a'));
  });
}

describe('HTTP mode on Bolt’s HTTPReceiver', () => {
  it('hands a request signed as Slack signs it to the app, through Bolt’s signature check, and answers with the ack', async () => {
    const body = 'command=%2Fswitchover&text=help&user_id=U1&response_url=http%3A%2F%2F127.0.0.1%2Fr';
    const response = await post(body, signedHeaders(SECRET, body));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ text: 'ok from the app' });
    expect(events).toHaveLength(1);
    expect(events[0]!.body).toMatchObject({ command: '/switchover', text: 'help' });
  });

  it('refuses a forged signature (Bolt’s check) with 401, and the app never sees it', async () => {
    const body = 'command=%2Fswitchover&text=help';
    const response = await post(body, signedHeaders('not-the-secret', body));
    expect(response.status).toBe(401);
    expect(events).toHaveLength(0);
  });

  it('refuses requests without signature headers, or stamped more than five minutes away, with 401 before reading the body', async () => {
    const body = 'command=%2Fswitchover&text=help';
    expect((await post(body, {})).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await post(body, signedHeaders(SECRET, body, stale))).status).toBe(401);
    expect((await post(body, { ...signedHeaders(SECRET, body), 'x-slack-request-timestamp': 'soon' })).status).toBe(401);
    expect(events).toHaveLength(0);
    expect(warnings.filter((w) => w.startsWith('Refused a request before reading its body'))).toHaveLength(3);
  });

  it('answers a flood of large unsigned bodies at once and closes each connection, without reading the bodies', async () => {
    // The finding, at small scale: 4 MB unsigned bodies used to be read whole before the signature was looked at.
    // Here only 1 KB of each is ever sent: an answer and a closed connection prove the rest was never waited for.
    const answers = await Promise.all(Array.from({ length: 20 }, () => partialPost({}, 4 * 1024 * 1024, 1024)));
    for (const { answer, closed } of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 401 /);
      expect(answer.toLowerCase()).toContain('connection: close');
      expect(closed).toBe(true);
    }
    expect(events).toHaveLength(0);
  });

  it('answers a signed request announcing a body over the limit with 413 before reading it', async () => {
    const { answer, closed } = await partialPost(signedHeaders(SECRET, ''), BODY_LIMIT_BYTES + 1, 1024);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(closed).toBe(true);
  });

  it('takes a signed body at the limit (Slack’s payloads are far smaller)', async () => {
    const body = `command=%2Fswitchover&text=${'a'.repeat(BODY_LIMIT_BYTES - 'command=%2Fswitchover&text='.length)}`;
    const response = await post(body, signedHeaders(SECRET, body));
    expect(response.status).toBe(200);
  });

  it('answers GET and HEAD /healthz with 200, and other paths with 404', async () => {
    const get = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ status: 'ok', dataDir: 'held' });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/elsewhere`)).status).toBe(404);
  });

  it('answers /healthz with 503 once the bot no longer holds its data directory', async () => {
    dataDirHeld = false;
    const get = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(get.status).toBe(503);
    expect(await get.json()).toEqual({ status: 'unhealthy', dataDir: 'not held' });
  });

  it('keeps idle connections 65 s (longer than an ALB’s 60 s), times slow requests out, and caps connections', () => {
    expect(server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    expect(server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
    expect(server.headersTimeout).toBe(REQUEST_TIMEOUT_MS);
    expect(server.maxConnections).toBe(MAX_CONNECTIONS);
  });

  it('stop() cuts off a signed request stalled mid-body after Slack’s 3 s instead of waiting for it', async () => {
    const stalled = partialPost(signedHeaders(SECRET, 'x'.repeat(100)), 100, 10, 8_000);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await receiver.stop();
    expect(Date.now() - started).toBeLessThan(ACK_TIMEOUT_MS + 1_000);
    expect((await stalled).closed).toBe(true);
  });
});
