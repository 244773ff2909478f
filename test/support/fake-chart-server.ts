// A stand-in QuickChart server on 127.0.0.1: answers POST /chart with a tiny valid PNG and records what was
// posted. `mode` switches it to fail (HTTP 500, a non-PNG answer, or never answering); `down()` closes it so
// the next request gets "connection refused".
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A 1x1 transparent PNG. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

export interface PostedChart {
  /** The POST body as JSON (width, height, format, version, devicePixelRatio, backgroundColor, chart). */
  body: Record<string, unknown>;
  /** `body.chart` parsed back into the Chart.js configuration. */
  config: Record<string, unknown>;
}

export type FakeChartMode = 'ok' | 'error500' | 'notPng' | 'hang';

export class FakeChartServer {
  readonly posted: PostedChart[] = [];
  mode: FakeChartMode = 'ok';
  private server?: Server;
  private port = 0;

  /** Starts on a free port; returns the base URL (http://127.0.0.1:<port>). */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops listening: requests to `url` are refused from now on. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.url !== '/chart') {
      res.writeHead(404).end('not found');
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    this.posted.push({ body, config: JSON.parse(String(body.chart)) as Record<string, unknown> });
    switch (this.mode) {
      case 'ok':
        res.writeHead(200, { 'Content-Type': 'image/png' }).end(TINY_PNG);
        return;
      case 'error500':
        res.writeHead(500, { 'x-quickchart-error': 'Chart.js failed: invalid config' }).end('error');
        return;
      case 'notPng':
        res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>login page</html>');
        return;
      case 'hang':
        return; // never answers; down() closes the connection
    }
  }
}
