// Slack's HTTP request protocol for the bot: slash commands, interactivity (clicks, view submissions) and the
// Events API's URL check, POSTed to one path, each checked against Slack's signature before Bolt sees it.
// https://docs.slack.dev/authentication/verifying-requests-from-slack
//
// Our own in place of Bolt's HTTPReceiver, which spent about a fifth of every acknowledgement's CPU on
// machinery the bot does not use: a body stream per request, a second HMAC for each signature comparison
// (tsscmp) with fresh random bytes, a URL object and route matching per request. What it does for the bot is
// the same: same answers (401 unsigned or stale, 413 too large, 400 malformed, 404 elsewhere), the same
// ReceiverEvent to App.processEvent, and the acknowledgement written as soon as a listener calls ack().
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parse as parseForm } from 'node:querystring';
import { ErrorCode, ReceiverMultipleAckError, type App, type Logger, type Receiver, type ReceiverEvent } from '@slack/bolt';

/** Slack's own bound on a request's age (either way), against replays. */
export const MAX_REQUEST_AGE_SEC = 5 * 60;
/** Bolt's body limit; Slack's largest payloads (a view with many blocks) stay far below it. */
export const DEFAULT_BODY_LIMIT_BYTES = 4 * 1024 * 1024;
/** Slack waits 3 s for an acknowledgement; a request unanswered by then is answered for the listener. */
export const ACK_TIMEOUT_MS = 3_001;
/**
 * Slack sends a request whole in milliseconds; a client that takes longer is answered 408 and cut off, so that it
 * cannot hold a connection open (Node's default waits 300 s).
 */
export const REQUEST_TIMEOUT_MS = 10_000;
/**
 * How long an idle keep-alive connection stays open: longer than a load balancer in front keeps it (an AWS ALB's
 * default idle timeout is 60 s), so that the balancer closes it first. Node's own 5 s would close connections the
 * balancer is about to reuse, and the request sent at that moment fails with a 502; a client that sends again
 * after a pause would open a new connection each time.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface SlackHttpReceiverOptions {
  signingSecret: string;
  logger: Logger;
  /** Where Slack POSTs (the app's Request URL path). */
  eventsPath: string;
  /** GET paths answered `200 ok` for load balancers and orchestrators. */
  healthPath: string;
  bodyLimitBytes?: number;
  ackTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Seconds since the epoch; tests move it. */
  nowSec?: () => number;
}

export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;
  private server: Server | undefined;
  private readonly logger: Logger;
  private readonly eventsPath: string;
  private readonly healthPath: string;
  private readonly bodyLimit: number;
  private readonly ackTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly nowSec: () => number;
  /** Prepared once, and the secret itself not kept: making the key costs as much as a command's HMAC. */
  private readonly signingKey: KeyObject;

  constructor(options: SlackHttpReceiverOptions) {
    if (!options.signingSecret) throw new Error('a signing secret is required to check requests from Slack');
    this.signingKey = createSecretKey(Buffer.from(options.signingSecret, 'utf8'));
    this.logger = options.logger;
    this.eventsPath = options.eventsPath;
    this.healthPath = options.healthPath;
    this.bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
    this.ackTimeoutMs = options.ackTimeoutMs ?? ACK_TIMEOUT_MS;
    this.requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    this.nowSec = options.nowSec ?? (() => Math.floor(Date.now() / 1000));
  }

  init(app: App): void {
    this.app = app;
  }

  /** Listens on `port` (0: any free one); resolves with the listening server. */
  start(port: number): Promise<Server> {
    if (this.server) return Promise.reject(new Error('the HTTP receiver is already started'));
    const timeout = this.requestTimeoutMs;
    // Node checks the timeouts every connectionsCheckingInterval (30 s by default): check often enough to keep them.
    const limits = {
      requestTimeout: timeout,
      headersTimeout: timeout,
      connectionsCheckingInterval: Math.min(timeout, 1_000),
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    };
    const server = createServer(limits, (request, response) => this.route(request, response));
    this.server = server;
    return new Promise((resolve, reject) => {
      const failedToListen = (error: Error) => {
        this.server = undefined;
        reject(error);
      };
      server.once('error', failedToListen);
      server.listen(port, () => {
        // Later errors (accept failing for want of file descriptors, say) are said, not fatal: the server goes on.
        server.off('error', failedToListen);
        server.on('error', (error) => this.logger.error(`The HTTP server reported an error: ${error.message}`));
        resolve(server);
      });
    });
  }

  /**
   * Stops accepting; idle keep-alive connections close at once, requests in progress get as long as Slack waits
   * for an answer (3 s) to finish, then are cut off: Node stops timing requests out once the server is closing.
   */
  stop(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    return new Promise((resolve, reject) => {
      const cutOff = setTimeout(() => server.closeAllConnections(), this.ackTimeoutMs);
      server.close((error) => {
        clearTimeout(cutOff);
        if (error) reject(error);
        else resolve();
      });
      server.closeIdleConnections();
    });
  }

  private route(request: IncomingMessage, response: ServerResponse): void {
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (path === this.eventsPath && request.method === 'POST') {
      this.receive(request, response);
    } else if (path === this.healthPath && (request.method === 'GET' || request.method === 'HEAD')) {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok');
    } else {
      this.logger.info(`Unhandled HTTP request (${request.method}) made to ${path}`);
      answer(response, 404);
    }
  }

  private receive(request: IncomingMessage, response: ServerResponse): void {
    const declared = Number(request.headers['content-length']);
    if (declared > this.bodyLimit) {
      this.tooLarge(request, response);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.bodyLimit) {
        request.removeAllListeners('data').removeAllListeners('end');
        this.tooLarge(request, response);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      this.handle(request, response, raw);
    });
    request.on('error', () => undefined); // a client that goes away mid-body: nothing to answer
  }

  private tooLarge(request: IncomingMessage, response: ServerResponse): void {
    this.logger.warn(`Request body exceeded the maximum allowed size (limit: ${this.bodyLimit} bytes)`);
    // Close rather than read the rest of an oversized body.
    response.setHeader('connection', 'close');
    answer(response, 413);
    request.resume();
  }

  private handle(request: IncomingMessage, response: ServerResponse, raw: Buffer): void {
    const text = raw.toString('utf8');
    const form = isForm(request.headers['content-type']);
    let fields: ReturnType<typeof parseForm> | undefined;
    if (form) {
      fields = parseForm(text);
      // Slack's certificate check carries no signature; nothing else in it is read.
      if (fields.ssl_check === '1') {
        answer(response, 200);
        return;
      }
    }
    const refusal = this.checkSignature(request, raw);
    if (refusal) {
      this.logger.warn(`Failed to verify a request from Slack: ${refusal}`);
      answer(response, 401);
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = fields ? (typeof fields.payload === 'string' ? JSON.parse(fields.payload) : fields) : JSON.parse(text);
      if (typeof body !== 'object' || body === null) throw new Error('not an object');
    } catch (error) {
      this.logger.warn(`Malformed request body: ${(error as Error).message}`);
      answer(response, 400);
      return;
    }
    if (body.type === 'url_verification') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ challenge: body.challenge }));
      return;
    }
    this.dispatch(request, response, body);
  }

  /** Why a request is not from Slack, or undefined when it is. */
  private checkSignature(request: IncomingMessage, raw: Buffer): string | undefined {
    const signature = request.headers['x-slack-signature'];
    const timestamp = request.headers['x-slack-request-timestamp'];
    if (typeof signature !== 'string' || typeof timestamp !== 'string') return 'no signature headers';
    if (!/^\d{1,12}$/.test(timestamp)) return 'the timestamp is not a number of seconds';
    if (Math.abs(this.nowSec() - Number(timestamp)) > MAX_REQUEST_AGE_SEC) return 'the timestamp is more than five minutes away';
    if (!signature.startsWith('v0=')) return 'unknown signature version';
    const expected = createHmac('sha256', this.signingKey).update(`v0:${timestamp}:`).update(raw).digest();
    const given = Buffer.from(signature.slice(3), 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'signature mismatch';
    return undefined;
  }

  private dispatch(request: IncomingMessage, response: ServerResponse, body: Record<string, unknown>): void {
    const logger = this.logger;
    let acked = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      if (acked) return;
      acked = timedOut = true;
      logger.error('An incoming event was not acknowledged within 3 seconds. Ensure that the ack() argument is called in a listener.');
      answer(response, 404);
    }, this.ackTimeoutMs);
    const ack = async (reply?: unknown): Promise<void> => {
      // Slack has shown the user a failure by then: the listener must not go on as if it had been accepted.
      if (timedOut) throw new Error('acknowledged after Slack stopped waiting (3 s): the request was already answered as failed');
      if (acked) throw new ReceiverMultipleAckError();
      acked = true;
      clearTimeout(timer);
      if (!reply) {
        answer(response, 200);
      } else if (typeof reply === 'string') {
        response.writeHead(200);
        response.end(reply);
      } else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(reply));
      }
    };
    const event: ReceiverEvent = { body, ack, retryNum: retryNum(request), retryReason: single(request.headers['x-slack-retry-reason']) };
    const app = this.app;
    if (!app) {
      // Bolt hands itself over (init) when the App is built, before start(): only a wiring mistake lands here.
      clearTimeout(timer);
      logger.error('A request arrived before the receiver was given the Bolt app');
      answer(response, 503);
      return;
    }
    app.processEvent(event).catch((error: unknown) => {
      if (acked) {
        logger.error('An unhandled error occurred after ack() called in a listener');
        return;
      }
      acked = true;
      clearTimeout(timer);
      // Bolt's rule: a failed authorization is 401; anything else a listener threw is the bot's fault.
      const unauthorized = (error as { code?: unknown } | null | undefined)?.code === ErrorCode.AuthorizationError;
      if (!unauthorized) logger.error('An unhandled error occurred while Bolt processed an event');
      answer(response, unauthorized ? 401 : 500);
    });
  }
}

function answer(response: ServerResponse, status: number): void {
  response.writeHead(status);
  response.end();
}

function isForm(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.toLowerCase().startsWith('application/x-www-form-urlencoded');
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function retryNum(request: IncomingMessage): number | undefined {
  const value = single(request.headers['x-slack-retry-num']);
  return value === undefined ? undefined : Number.parseInt(value, 10);
}
