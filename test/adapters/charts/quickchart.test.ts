import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ChartRenderError, MAX_ANSWER_BYTES, QuickChartRenderer } from '../../../src/adapters/charts/quickchart';
import type { ChartSpec } from '../../../src/core/ports';
import { FakeChartServer, TINY_PNG } from '../../support/fake-chart-server';

const chart: ChartSpec = {
  title: 'dev: source proxy requests',
  filename: 'dev-prep-requests.png',
  width: 800,
  height: 400,
  config: { type: 'line', data: { labels: ['12:00', '12:01'], datasets: [{ label: 'requests', data: [10, null] }] }, options: { plugins: { title: { display: true, text: 'x' } } } },
};

describe('QuickChartRenderer', () => {
  let server: FakeChartServer;
  beforeEach(async () => {
    server = new FakeChartServer();
    await server.start();
  });
  afterEach(async () => {
    await server.down();
  });

  it('posts a Chart.js 4 config and returns the PNG', async () => {
    const png = await new QuickChartRenderer(server.url).render(chart);
    expect(png.equals(TINY_PNG)).toBe(true);
    expect(server.posted).toHaveLength(1);
    const { body, config } = server.posted[0]!;
    expect(body).toMatchObject({ version: '4', format: 'png', width: 800, height: 400, devicePixelRatio: 2, backgroundColor: '#ffffff' });
    expect(config).toEqual(chart.config); // nulls (gaps) survive the trip
  });

  it('accepts a URL with a trailing slash or a path prefix', async () => {
    await expect(new QuickChartRenderer(`${server.url}/`).render(chart)).resolves.toBeInstanceOf(Buffer);
    expect(new QuickChartRenderer('http://quickchart:3400/').where).toBe('http://quickchart:3400');
    expect(new QuickChartRenderer('https://user:secret@charts.example.com/qc/').where).toBe('https://charts.example.com/qc');
  });

  it('says what happened when the renderer answers 500', async () => {
    server.mode = 'error500';
    await expect(new QuickChartRenderer(server.url).render(chart)).rejects.toThrow(
      new ChartRenderError(
        `The chart renderer at ${server.url} could not render "dev: source proxy requests": Chart creation failed with status code 500: Chart.js failed: invalid config.`,
      ),
    );
  });

  it('refuses an answer that is not a PNG', async () => {
    server.mode = 'notPng';
    await expect(new QuickChartRenderer(server.url).render(chart)).rejects.toThrow(/answered "dev: source proxy requests" with something that is not a PNG/);
  });

  it('says the renderer is down when the connection is refused', async () => {
    const url = server.url;
    await server.down();
    await expect(new QuickChartRenderer(url).render(chart)).rejects.toThrow(
      `The chart renderer at ${url} could not render "dev: source proxy requests": connection refused (is the renderer running?).`,
    );
  });

  it('gives up when the renderer does not answer in time', async () => {
    server.mode = 'hang';
    await expect(new QuickChartRenderer(server.url, { timeoutMs: 100 }).render(chart)).rejects.toThrow(
      `The chart renderer at ${server.url} did not answer within 0.1 s.`,
    );
  });

  it('rejects a QUICKCHART_URL that is not http(s)', () => {
    expect(() => new QuickChartRenderer('ftp://charts')).toThrow(/must be an http or https URL/);
    expect(() => new QuickChartRenderer('not a url')).toThrow(/not a valid URL/);
  });
});

/** A server started by a test, which counts the connections the renderer opens. */
interface LocalServer {
  url: string;
  connections: Socket[];
  /** The most connections open at the same time. */
  maxOpen(): number;
  requests: IncomingMessage[];
  close(): Promise<void>;
}

async function startServer(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<LocalServer> {
  const connections: Socket[] = [];
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req);
    handle(req, res);
  });
  let open = 0;
  let maxOpen = 0;
  server.on('connection', (socket: Socket) => {
    connections.push(socket);
    open += 1;
    maxOpen = Math.max(maxOpen, open);
    socket.on('close', () => (open -= 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    maxOpen: () => maxOpen,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Reads the request body, then answers the tiny PNG after `delayMs`. */
function answerPng(delayMs = 0): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.writeHead(200, { 'Content-Type': 'image/png' }).end(TINY_PNG), delayMs));
  };
}

/** Fails the test instead of hanging when `promise` does not settle within `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('QuickChartRenderer connections', () => {
  let local: LocalServer | undefined;
  afterEach(async () => {
    await local?.close();
    local = undefined;
  });

  it('reuses one keep-alive connection for renders one after another', async () => {
    local = await startServer(answerPng());
    const renderer = new QuickChartRenderer(local.url);
    for (let i = 0; i < 5; i += 1) await renderer.render(chart);
    // A second renderer on the same server shares the pool.
    await new QuickChartRenderer(local.url).render(chart);
    expect(local.requests).toHaveLength(6);
    expect(local.connections).toHaveLength(1);
  });

  it('reads error answers to the end and reuses the connection after them', async () => {
    let fail = true;
    local = await startServer((req, res) => {
      if (!fail) {
        answerPng()(req, res);
        return;
      }
      req.resume();
      res.writeHead(500, { 'x-quickchart-error': 'Chart.js failed' }).end('x'.repeat(64 * 1024));
    });
    const renderer = new QuickChartRenderer(local.url);
    await expect(renderer.render(chart)).rejects.toThrow(/status code 500: Chart.js failed\.$/);
    fail = false;
    await expect(renderer.render(chart)).resolves.toBeInstanceOf(Buffer);
    expect(local.connections).toHaveLength(1);
  });

  it('queues concurrent renders on a bounded number of connections', async () => {
    local = await startServer(answerPng(20));
    const renderer = new QuickChartRenderer(local.url);
    const pngs = await Promise.all(Array.from({ length: 30 }, () => renderer.render(chart)));
    expect(pngs.every((png) => png.equals(TINY_PNG))).toBe(true);
    expect(local.requests).toHaveLength(30);
    expect(local.maxOpen()).toBe(8);
    expect(local.connections).toHaveLength(8); // and kept reusing them
  });

  it('aborts the request on timeout instead of leaving it open', async () => {
    let dropped!: () => void;
    const droppedByClient = new Promise<void>((resolve) => (dropped = resolve));
    local = await startServer((req) => {
      req.resume();
      req.socket.on('close', () => dropped()); // never answers
    });
    await expect(new QuickChartRenderer(local.url, { timeoutMs: 100 }).render(chart)).rejects.toThrow(
      new ChartRenderError(`The chart renderer at ${local.url} did not answer within 0.1 s.`),
    );
    await within(droppedByClient, 2_000, 'the renderer closes the connection');
  });

  it('times out renders still waiting for a free connection as well', async () => {
    local = await startServer((req) => req.resume()); // never answers
    const renderer = new QuickChartRenderer(local.url, { timeoutMs: 200 });
    const started = Date.now();
    const results = await within(Promise.allSettled(Array.from({ length: 10 }, () => renderer.render(chart))), 3_000, 'all renders settle');
    expect(Date.now() - started).toBeLessThan(2_000);
    for (const result of results) {
      expect(result).toMatchObject({ status: 'rejected', reason: { message: `The chart renderer at ${local.url} did not answer within 0.2 s.` } });
    }
    // A queued render may move to a new connection once a timed-out one is closed, but never past the bound.
    expect(local.maxOpen()).toBeLessThanOrEqual(8);
  });

  it('sends the request again once when a kept-alive connection was closed by the server', async () => {
    let served = 0;
    local = await startServer((req, res) => {
      served += 1;
      // The second request arrives on the kept-alive connection: drop it, as a server closing an idle one would.
      if (served === 2) {
        req.socket.destroy();
        return;
      }
      answerPng()(req, res);
    });
    const renderer = new QuickChartRenderer(local.url);
    await renderer.render(chart);
    await expect(renderer.render(chart)).resolves.toBeInstanceOf(Buffer);
    expect(local.requests).toHaveLength(3);
    expect(local.connections).toHaveLength(2);
  });

  it('refuses an answer larger than the cap, announced or not', async () => {
    const tooLarge = `The chart renderer at `;
    // Announced in Content-Length: refused before any byte of the body is kept.
    local = await startServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(MAX_ANSWER_BYTES + 1) });
      res.write(TINY_PNG);
    });
    await expect(new QuickChartRenderer(local.url).render(chart)).rejects.toThrow(
      `${tooLarge}${local.url} could not render "dev: source proxy requests": the answer is larger than 10 MB.`,
    );
    await local.close();

    // Chunked, without a length: refused once the bytes read pass the cap.
    const chunk = Buffer.alloc(1024 * 1024);
    local = await startServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'image/png' });
      res.write(TINY_PNG);
      for (let i = 0; i < 11; i += 1) res.write(chunk);
      res.end();
    });
    await expect(new QuickChartRenderer(local.url).render(chart)).rejects.toThrow(
      `${tooLarge}${local.url} could not render "dev: source proxy requests": the answer is larger than 10 MB.`,
    );
  });

  it('posts to the path prefix with Basic auth from the URL, and never shows the credentials', async () => {
    const seen: { url?: string; authorization?: string } = {};
    local = await startServer((req, res) => {
      seen.url = req.url;
      seen.authorization = req.headers.authorization;
      req.resume();
      res.writeHead(500, { 'x-quickchart-error': 'bad config' }).end();
    });
    const withCredentials = local.url.replace('http://', 'http://alice:s%40cret@');
    const renderer = new QuickChartRenderer(`${withCredentials}/qc/`);
    expect(renderer.where).toBe(`${local.url}/qc`);
    const error = await renderer.render(chart).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChartRenderError);
    expect((error as Error).message).toBe(
      `The chart renderer at ${local.url}/qc could not render "dev: source proxy requests": Chart creation failed with status code 500: bad config.`,
    );
    expect((error as Error).message).not.toMatch(/alice|cret/);
    expect(seen.url).toBe('/qc/chart');
    expect(seen.authorization).toBe(`Basic ${Buffer.from('alice:s@cret').toString('base64')}`);
  });
});
