// createHttpFetch carries the calls to Slack and to the chart renderer, so these tests hold it to what a fetch
// is expected to do: each runs against real node:http servers on 127.0.0.1 (port 0).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpFetch } from '../../src/adapters/http-fetch';
import { closeRecordingServers, startServer, type Received, type TestServer } from '../support/recording-server';

/** As Slack's calls use it; a 20 MB cap. */
const httpFetch = createHttpFetch({ maxSockets: 32, maxAnswerBytes: 20 * 2 ** 20, idleMs: 4_000 });

afterEach(closeRecordingServers);

/** Answers with a JSON echo of what arrived, so a test can see the request after redirects. */
function echo(res: http.ServerResponse, received: Received): void {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ method: received.method, url: received.url, body: received.body.toString('utf8') }));
}

describe('createHttpFetch', () => {
  it('sends a POST with a string body as given and exposes the whole answer', async () => {
    const server = await startServer((_req, res) => {
      res.statusCode = 201;
      res.statusMessage = 'Created';
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('X-Multi', ['a', 'b']);
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.end('{"ok":true,"text":"héllo"}');
    });
    const body = 'channel=C1&text=h%C3%A9llo';

    const response = await httpFetch(`${server.origin}/api/chat.postMessage?x=1&y=2`, {
      method: 'post',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer xoxb-test', 'X-Custom': 'yes' },
      body,
    });

    const [request] = server.received;
    expect(request).toMatchObject({ method: 'POST', url: '/api/chat.postMessage?x=1&y=2' });
    expect(request!.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'Bearer xoxb-test',
      'x-custom': 'yes',
      'content-length': String(Buffer.byteLength(body)),
    });
    expect(request!.body.toString('utf8')).toBe(body);

    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Created');
    expect(response.ok).toBe(true);
    expect(response.url).toBe(`${server.origin}/api/chat.postMessage?x=1&y=2`);
    expect(response.headers.get('CONTENT-TYPE')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-multi')).toBe('a, b');
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(response.headers.get('x-absent')).toBeNull();
    // Names that a plain object inherits are not headers.
    expect(response.headers.get('constructor')).toBeNull();
    expect(response.headers.get('toString')).toBeNull();
    expect(Object.fromEntries(response.headers.entries())).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-multi': 'a, b',
      'set-cookie': 'a=1, b=2',
    });
    // Each reader works off the same buffered answer, as the Web API client may read it more than once.
    expect(await response.text()).toBe('{"ok":true,"text":"héllo"}');
    expect(await response.json()).toEqual({ ok: true, text: 'héllo' });
    const bytes = await response.arrayBuffer();
    expect(bytes).toBeInstanceOf(ArrayBuffer);
    expect(Buffer.from(bytes).equals(Buffer.from('{"ok":true,"text":"héllo"}', 'utf8'))).toBe(true);
  });

  it('marks 4xx and 5xx answers not ok', async () => {
    const server = await startServer((req, res) => {
      res.statusCode = req.url === '/missing' ? 404 : 500;
      res.end('nope');
    });

    const missing = await httpFetch(`${server.origin}/missing`);
    const broken = await httpFetch(`${server.origin}/broken`, { method: 'POST', body: '' });

    expect([missing.status, missing.statusText, missing.ok]).toEqual([404, 'Not Found', false]);
    expect([broken.status, broken.statusText, broken.ok]).toEqual([500, 'Internal Server Error', false]);
    expect(await broken.text()).toBe('nope');
    // A GET carries no body; an empty string body still says so with a length of 0.
    expect(server.received[0]!.headers['content-length']).toBeUndefined();
    expect(server.received[1]!.headers['content-length']).toBe('0');
  });

  it('sends a binary body byte for byte', async () => {
    const server = await startServer((_req, res) => res.end());
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));

    await httpFetch(`${server.origin}/upload`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: bytes });
    await httpFetch(`${server.origin}/upload`, { method: 'POST', body: new Uint8Array(bytes.subarray(10, 20)) });

    expect(server.received[0]!.body.equals(bytes)).toBe(true);
    expect(server.received[0]!.headers['content-length']).toBe('70000');
    expect(server.received[1]!.body.equals(bytes.subarray(10, 20))).toBe(true);
    expect(server.received[1]!.headers['content-length']).toBe('10');
  });

  it('reuses one kept-alive connection for sequential requests', async () => {
    const server = await startServer((_req, res, body) => res.end(body));

    for (let i = 0; i < 4; i++) {
      const response = await httpFetch(`${server.origin}/call/${i}`, { method: 'POST', body: `call ${i}` });
      expect(await response.text()).toBe(`call ${i}`);
    }

    expect(server.received).toHaveLength(4);
    expect(server.connections()).toBe(1);
  });

  it('opens a new connection when the server has closed the idle one', async () => {
    const server = await startServer((_req, res) => res.end('ok'));

    await httpFetch(`${server.origin}/first`);
    // The server ends the pooled connection between calls; the pool must drop it rather than write on it.
    server.server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const response = await httpFetch(`${server.origin}/second`);

    expect(await response.text()).toBe('ok');
    expect(server.connections()).toBe(2);
  });

  describe('redirects', () => {
    /** Redirects `/<status>` to `/end` with that status; echoes anything else. */
    async function redirectingServer(): Promise<TestServer> {
      const server: TestServer = await startServer((req, res) => {
        const status = Number(req.url!.slice(1));
        if (status >= 300 && status < 400) {
          res.writeHead(status, { location: '/end' });
          res.end();
        } else {
          echo(res, server.received[server.received.length - 1]!);
        }
      });
      return server;
    }

    it.each([301, 302, 307, 308])("follows a %i for a GET (the default, as 'follow')", async (status) => {
      const server = await redirectingServer();

      const response = await httpFetch(`${server.origin}/${status}`, { headers: { Authorization: 'Bearer xoxb-test' } });

      expect(response.status).toBe(200);
      expect(response.url).toBe(`${server.origin}/end`);
      expect(await response.json()).toEqual({ method: 'GET', url: '/end', body: '' });
      // Same origin: the credentials go along.
      expect(server.received[1]!.headers.authorization).toBe('Bearer xoxb-test');
    });

    it.each([307, 308])('repeats the method, body and content-type after a %i', async (status) => {
      const server = await redirectingServer();

      const response = await httpFetch(`${server.origin}/${status}`, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: 'the body',
        redirect: 'follow',
      });

      expect(await response.json()).toEqual({ method: 'POST', url: '/end', body: 'the body' });
      expect(server.received[1]!.headers).toMatchObject({ 'content-type': 'text/plain', 'content-length': '8' });
    });

    it.each([
      [303, 'PUT'],
      [301, 'POST'],
      [302, 'POST'],
    ])('turns a %i after a %s into a GET without body or content-type', async (status, method) => {
      const server = await redirectingServer();

      const response = await httpFetch(`${server.origin}/${status}`, {
        method,
        headers: { 'Content-Type': 'text/plain', 'X-Kept': 'yes' },
        body: 'the body',
        redirect: 'follow',
      });

      expect(await response.json()).toEqual({ method: 'GET', url: '/end', body: '' });
      const { headers } = server.received[1]!;
      expect(headers['content-type']).toBeUndefined();
      expect(headers['content-length']).toBeUndefined();
      expect(headers['transfer-encoding']).toBeUndefined();
      expect(headers['x-kept']).toBe('yes');
    });

    it('drops Authorization and Cookie when the redirect leaves the origin', async () => {
      const other = await startServer((_req, res) => res.end('elsewhere'));
      const first = await startServer((_req, res) => {
        res.writeHead(302, { location: `${other.origin}/landing` });
        res.end();
      });

      const response = await httpFetch(`${first.origin}/start`, {
        headers: { Authorization: 'Bearer xoxb-test', Cookie: 'd=secret', 'X-Kept': 'yes' },
      });

      expect(await response.text()).toBe('elsewhere');
      expect(response.url).toBe(`${other.origin}/landing`);
      expect(first.received[0]!.headers.authorization).toBe('Bearer xoxb-test');
      const { headers } = other.received[0]!;
      expect(headers.authorization).toBeUndefined();
      expect(headers.cookie).toBeUndefined();
      expect(headers['x-kept']).toBe('yes');
    });

    it("rejects a redirect with a TypeError under 'error' (what the Web API client asks for)", async () => {
      const server = await redirectingServer();

      const call = httpFetch(`${server.origin}/302`, { method: 'POST', body: 'x', redirect: 'error' });

      await expect(call).rejects.toThrow(TypeError);
      await expect(call).rejects.toThrow(/redirect \(HTTP 302\)/);
      expect(server.received).toHaveLength(1);
    });

    it("returns the 3xx answer itself under 'manual'", async () => {
      const server = await redirectingServer();

      const response = await httpFetch(`${server.origin}/301`, { redirect: 'manual' });

      expect(response.status).toBe(301);
      expect(response.ok).toBe(false);
      expect(response.headers.get('location')).toBe('/end');
      expect(response.url).toBe(`${server.origin}/301`);
      expect(server.received).toHaveLength(1);
    });

    it('follows 5 redirects and rejects a sixth', async () => {
      // /hop/n redirects to /hop/n+1 until n reaches `stop` (from the query).
      const server = await startServer((req, res) => {
        const url = new URL(req.url!, 'http://x');
        const hop = Number(url.pathname.split('/')[2]);
        if (hop < Number(url.searchParams.get('stop'))) {
          res.writeHead(302, { location: `/hop/${hop + 1}${url.search}` });
          res.end();
        } else {
          res.end(`landed at ${hop}`);
        }
      });

      const five = await httpFetch(`${server.origin}/hop/0?stop=5`);
      expect(await five.text()).toBe('landed at 5');

      await expect(httpFetch(`${server.origin}/hop/0?stop=100`)).rejects.toThrow(/more than 5 redirects/);
      // 6 for the first call, then the original request and its 5 redirects for the second.
      expect(server.received).toHaveLength(12);
    });
  });

  it('rejects on an abort signal and closes the request on the server', async () => {
    let closedOnServer!: Promise<void>;
    const server = await startServer((req) => {
      // Never answers; the client's abort is the only way this request ends.
      closedOnServer = new Promise((resolve) => req.socket.once('close', () => resolve()));
    });

    const started = Date.now();
    await expect(httpFetch(`${server.origin}/slow`, { method: 'POST', body: 'x', signal: AbortSignal.timeout(50) })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(Date.now() - started).toBeLessThan(1_000);
    await closedOnServer;
    expect(server.received).toHaveLength(1);
  });

  it('rejects on an abort signal that fires while the body is arriving', async () => {
    const server = await startServer((_req, res) => {
      // Headers and part of the body, then nothing more.
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"ok":');
    });

    await expect(httpFetch(`${server.origin}/stalled`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.received).toHaveLength(1);
  });

  it('rejects an answer cut off by the server instead of returning it truncated', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"ok":', () => res.socket?.destroy());
    });

    await expect(httpFetch(`${server.origin}/cut`)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('rejects at once on a signal that is already aborted', async () => {
    const server = await startServer((_req, res) => res.end());
    const controller = new AbortController();
    controller.abort();

    await expect(httpFetch(`${server.origin}/`, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(server.received).toHaveLength(0);
  });

  it('rejects when nothing listens on the port', async () => {
    // A port that was just free: bind it, then let it go.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    await expect(httpFetch(`http://127.0.0.1:${port}/api/auth.test`, { method: 'POST', body: '' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects a URL that is neither http nor https', async () => {
    await expect(httpFetch('ftp://127.0.0.1/file')).rejects.toThrow(new TypeError('cannot fetch ftp: URLs'));
  });

  describe('resendOnStaleConnection', () => {
    /** Drops the second request, which arrives on the kept-alive connection, as a server closing an idle one would. */
    function droppingSecond(): Promise<TestServer> {
      let served = 0;
      return startServer((req, res) => {
        served += 1;
        if (served === 2) req.socket.destroy();
        else res.end(`answer ${served}`);
      });
    }

    it('sends once more on a fresh connection when a reused one is reset before any answer', async () => {
      const server = await droppingSecond();
      const resending = createHttpFetch({ maxSockets: 8, maxAnswerBytes: 2 ** 20, resendOnStaleConnection: true });

      await resending(`${server.origin}/chart`, { method: 'POST', body: '{}' });
      const response = await resending(`${server.origin}/chart`, { method: 'POST', body: '{}' });

      expect(await response.text()).toBe('answer 3');
      expect(server.received).toHaveLength(3);
      expect(server.connections()).toBe(2);
    });

    it('is off by default: the reset is reported and nothing is sent again', async () => {
      const server = await droppingSecond();

      await httpFetch(`${server.origin}/api/chat.postMessage`, { method: 'POST', body: 'x' });
      await expect(httpFetch(`${server.origin}/api/chat.postMessage`, { method: 'POST', body: 'x' })).rejects.toMatchObject({ code: 'ECONNRESET' });
      expect(server.received).toHaveLength(2);
    });
  });

  it('bounds the connections of each created function on its own', async () => {
    const server = await startServer((_req, res) => setTimeout(() => res.end('ok'), 20));
    const two = createHttpFetch({ maxSockets: 2, maxAnswerBytes: 2 ** 20 });

    const answers = await Promise.all(Array.from({ length: 6 }, () => two(`${server.origin}/`)));
    expect(answers.every((answer) => answer.ok)).toBe(true);
    expect(server.connections()).toBe(2);

    // Another function has its own pool: it does not take the first one's idle connections.
    await createHttpFetch({ maxSockets: 2, maxAnswerBytes: 2 ** 20 })(`${server.origin}/`);
    expect(server.connections()).toBe(3);
  });

  it('refuses an answer whose announced length passes the cap without waiting for its body', async () => {
    // Announces more than the cap, sends a little, and never ends.
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': String(2 ** 20 + 1) });
      res.write('some bytes');
    });
    const small = createHttpFetch({ maxSockets: 2, maxAnswerBytes: 2 ** 20 });

    await expect(small(`${server.origin}/`)).rejects.toThrow(new Error('the answer is larger than 1 MB'));
  });
});
