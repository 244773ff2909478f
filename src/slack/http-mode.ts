// HTTP mode on Bolt's own HTTPReceiver: Bolt reads the body, checks Slack's signature, parses and acknowledges.
// What the bot adds, for operators and against floods, is limits on the node server and one check in front of
// Bolt's request handling: a request to the events path without Slack's signature headers, or stamped more than
// five minutes from our clock, is refused (401) before a byte of its body is read, and its connection closed.
// Bolt reads the whole body before it looks at the headers, so without this an unsigned flood costs memory.
import type { IncomingMessage, Server } from 'node:http';
import { HTTPReceiver, type Logger } from '@slack/bolt';
import { answerHealth, type HealthParts } from './health';

/** Slack's own bound on a request's age (either way), against replays. */
export const MAX_REQUEST_AGE_SEC = 5 * 60;
/** Slack's payloads (a view submission with every block of the view) are tens of KB; Bolt's default is 4 MB. */
export const BODY_LIMIT_BYTES = 256 * 1024;
/** Connections open at once; more are refused by the server. With the body limit, at most 25 MB of bodies. */
export const MAX_CONNECTIONS = 100;
/** Slack waits 3 s for an acknowledgement; Bolt answers for a listener that has not acked by then. */
export const ACK_TIMEOUT_MS = 3_001;
/** Slack sends a request whole in milliseconds; a client slower than this is answered 408 and cut off. */
export const REQUEST_TIMEOUT_MS = 10_000;
/**
 * Idle keep-alive connections stay open longer than a load balancer in front keeps them (an AWS ALB's default
 * idle timeout is 60 s), so the balancer closes them first and never sends on a connection we just closed.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface HttpModeOptions {
  signingSecret: string;
  logger: Logger;
  /** Where Slack POSTs (the app's Request URL path). */
  eventsPath: string;
  /** GET path answered with the health report (slack/health.ts) for load balancers and orchestrators. */
  healthPath: string;
  health: () => HealthParts;
  /** Seconds since the epoch; tests move it. */
  nowSec?: () => number;
}

/** Why a request to the events path is refused before its body is read, or undefined to let Bolt have it. */
export function refusalBeforeBody(headers: IncomingMessage['headers'], nowSec: number): string | undefined {
  const signature = headers['x-slack-signature'];
  const timestamp = headers['x-slack-request-timestamp'];
  if (typeof signature !== 'string' || typeof timestamp !== 'string') return 'no signature headers';
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(nowSec - Number(timestamp)) > MAX_REQUEST_AGE_SEC) {
    return 'the timestamp is not within five minutes of our clock';
  }
  const length = headers['content-length'];
  if (length !== undefined && Number(length) > BODY_LIMIT_BYTES) return 'too large';
  return undefined;
}

export class SlackHttpReceiver extends HTTPReceiver {
  private listening: Server | undefined;

  constructor(options: HttpModeOptions) {
    super({
      signingSecret: options.signingSecret,
      endpoints: [options.eventsPath],
      logger: options.logger,
      bodyLimit: BODY_LIMIT_BYTES,
      unhandledRequestTimeoutMillis: ACK_TIMEOUT_MS,
      customRoutes: [{ path: options.healthPath, method: ['GET', 'HEAD'], handler: (request, response) => answerHealth(options.health(), request, response) }],
    });
    const nowSec = options.nowSec ?? (() => Math.floor(Date.now() / 1000));
    const bolt = this.requestListener;
    this.requestListener = (request, response) => {
      const path = (request.url ?? '/').split('?', 1)[0];
      const refusal = path === options.eventsPath && request.method === 'POST' ? refusalBeforeBody(request.headers, nowSec()) : undefined;
      if (refusal === undefined) return bolt(request, response);
      options.logger.warn(`Refused a request before reading its body: ${refusal}`);
      // Closing the connection is what keeps the body unread: Node would otherwise read it to reuse the socket.
      response.shouldKeepAlive = false;
      response.writeHead(refusal === 'too large' ? 413 : 401).end();
    };
  }

  /** Listens on `port` (0: any free one) with the server limits above; resolves with the listening server. */
  override async start(...[port]: Parameters<HTTPReceiver['start']>): ReturnType<HTTPReceiver['start']> {
    const server = await super.start(port, {
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout: REQUEST_TIMEOUT_MS,
      // Node checks those timeouts every connectionsCheckingInterval (30 s by default): often enough to keep them.
      connectionsCheckingInterval: 1_000,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    });
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.maxConnections = MAX_CONNECTIONS;
    this.listening = server;
    // Bolt's typing offers an HTTPS server too (it picks one when given TLS options, which the bot never passes).
    return server as Awaited<ReturnType<HTTPReceiver['start']>>;
  }

  /** Idle connections close at once; requests in progress get Slack's 3 s to finish, then are cut off. */
  override async stop(): Promise<void> {
    const server = this.listening;
    if (!server) return;
    this.listening = undefined;
    const cutOff = setTimeout(() => server.closeAllConnections(), ACK_TIMEOUT_MS);
    const closed = super.stop();
    server.closeIdleConnections();
    try {
      await closed;
    } finally {
      clearTimeout(cutOff);
    }
  }
}
