// The health report, answered at /healthz: on PORT in HTTP mode (a route of Bolt's receiver), on
// SWITCHOVER_HEALTH_PORT in Socket Mode (the server below). 200 when the bot can act, 503 otherwise, with
// what is wrong in a small JSON body. Nothing in it is secret.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger';

export interface HealthParts {
  /** Socket Mode: a link is open and Slack said hello. HTTP mode leaves it out (the server answering is the proof). */
  slackConnected?: boolean;
  /** This bot still holds the data directory lock, so its journal may be written. */
  dataDirHeld: boolean;
}

export function answerHealth(parts: HealthParts, request: IncomingMessage, response: ServerResponse): void {
  const healthy = parts.slackConnected !== false && parts.dataDirHeld;
  const report = {
    status: healthy ? 'ok' : 'unhealthy',
    ...(parts.slackConnected === undefined ? {} : { slack: parts.slackConnected ? 'connected' : 'not connected' }),
    dataDir: parts.dataDirHeld ? 'held' : 'not held',
  };
  response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(request.method === 'HEAD' ? undefined : JSON.stringify(report));
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/**
 * GET/HEAD /healthz on `port` (0: any free one), on every interface like HTTP mode, so an orchestrator's probe
 * can reach it. A server of its own rather than Bolt's SocketModeReceiver `customRoutes`: that one listens with
 * no error handler (a port in use would end the process with a stack trace) and is not awaited on stop.
 */
export async function startHealthServer(port: number, parts: () => HealthParts, logger: Logger): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (path === '/healthz' && (request.method === 'GET' || request.method === 'HEAD')) return answerHealth(parts(), request, response);
    response.writeHead(404).end();
  });
  // A probe is one small request: nothing may hold the server open for long.
  server.requestTimeout = 5_000;
  server.headersTimeout = 5_000;
  server.maxConnections = 20;
  // Rejects with the server's error (a port in use) instead of ending the process.
  await once(server.listen(port), 'listening');
  server.on('error', (error) => logger.error({ err: error }, 'health endpoint error'));
  const actual = (server.address() as AddressInfo).port;
  logger.info({ port: actual, path: '/healthz' }, 'health endpoint listening');
  return {
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
