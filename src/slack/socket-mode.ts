// Socket Mode on Bolt's SocketModeReceiver. Slack's SocketModeClient speaks the protocol (apps.connections.open,
// hello, acknowledgements, pings, Slack's disconnect messages); this receiver only decides when to connect again,
// with the client's own reconnection turned off, because that policy goes quiet: after a dropped link it waits its
// ping timeout (5 s) before asking for a new URL, after a routine refresh 5 to 12 s (it first waits for the
// connection to end, which Slack leaves to the client's pong watchdog), retries apps.connections.open up to
// 100 times without a log line (forever on missing_scope), and a token revoked while running ends in an unhandled
// rejection.
import { SocketModeReceiver, type webApi } from '@slack/bolt';
import { SystemClock } from '../adapters/clock';
import { withDeadline } from '../core/deadline';
import type { Clock } from '../core/ports';
import type { Logger } from '../logger';
import { boltLogger } from './bolt-logger';
import { slackErrorCode } from './errors';

/** apps.connections.open is abandoned after this (one attempt; the loop below retries). */
export const OPEN_TIMEOUT_MS = 5_000;
/**
 * A connection attempt (URL, WebSocket handshake, Slack's hello) is abandoned after this. Longer than
 * OPEN_TIMEOUT_MS, so the URL request has always ended when an attempt is given up: no late link opens behind it.
 */
export const CONNECT_TIMEOUT_MS = 15_000;
/** After a failed attempt: once more at once, then after 1 s, doubling, at most 30 s (or Slack's Retry-After). */
export const RETRY_FIRST_MS = 1_000;
export const RETRY_MAX_MS = 30_000;
/**
 * A link that carried no envelope and ended sooner than this after its hello counts as a failed attempt, so that
 * a Slack that closes every link at once (a `disconnect` of too_many_websockets right after hello) meets the
 * same backoff instead of a new link every few milliseconds. Slack refreshes a sound link after hours.
 */
export const STEADY_LINK_MS = 30_000;

/** The wait before the `attempt`-th try in a row: none for the first, then RETRY_FIRST_MS doubling to RETRY_MAX_MS. */
function backoffMs(attempt: number): number {
  return attempt <= 1 ? 0 : Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (attempt - 2));
}

/** What to fix when Slack refuses the app-level token; a refusal ends the process, at start or later. */
const APP_TOKEN_REFUSALS: Record<string, string> = {
  invalid_auth: 'it is not a valid app-level token; create one under Basic Information > App-Level Tokens (xapp-...).',
  not_authed: 'no token was sent; set SLACK_APP_TOKEN to the app-level token (xapp-...).',
  missing_scope: 'the app-level token lacks the connections:write scope; create a token with it.',
  not_allowed_token_type: 'it is not an app-level token (xoxb-/xoxp- go in SLACK_BOT_TOKEN); use the xapp-... token.',
  token_revoked: 'the token was revoked; create a new app-level token.',
  token_expired: 'the token expired; create a new app-level token.',
  account_inactive: 'the app or its workspace was deleted or deactivated; reinstall the app and create a new app-level token.',
  team_disabled: 'the workspace is disabled.',
  user_removed_from_team: 'the app was removed from the workspace; reinstall it and create a new app-level token.',
};

/** Slack refused SLACK_APP_TOKEN: retrying cannot help, an operator has to act. */
export class AppTokenError extends Error {
  constructor(readonly code: string) {
    super(`Slack refused SLACK_APP_TOKEN (apps.connections.open: ${code}): ${APP_TOKEN_REFUSALS[code]}`);
    this.name = 'AppTokenError';
  }
}

export interface SocketModeOptions {
  appToken: string;
  /** The Web API settings of the bot's other clients; apps.connections.open goes to the same SLACK_API_URL. */
  clientOptions: webApi.WebClientOptions;
  logger: Logger;
  /** Slack refused the app token after start-up (start() rejects with it before): the process must end. */
  onRefused: (error: AppTokenError) => void;
  /** OPEN_TIMEOUT_MS and CONNECT_TIMEOUT_MS unless given (tests shorten them). */
  timeouts?: { openMs: number; connectMs: number };
}

export class SocketModeConnection extends SocketModeReceiver {
  private readonly log: Logger;
  private readonly sleep: Clock['sleep'];
  private readonly timeouts: { openMs: number; connectMs: number };
  private stopping = new AbortController();
  private connecting = false;
  private linkUp = false;
  /** Why the last link ended, for the reconnect's log line. */
  private closeReason: string | undefined;
  private downSince: number | undefined;
  /** When the link said hello, whether Slack sent anything on it, and how many links in a row ended at once. */
  private linkUpAt = 0;
  private linkCarried = false;
  private unsteadyLinks = 0;

  constructor(private readonly options: SocketModeOptions) {
    const { slackApiUrl, fetch } = options.clientOptions;
    const timeouts = options.timeouts ?? { openMs: OPEN_TIMEOUT_MS, connectMs: CONNECT_TIMEOUT_MS };
    super({
      appToken: options.appToken,
      // The client logs whole envelopes (what users typed) at debug: never written. Its error lines (a dropped
      // link, a failed URL request) are warnings: the lines below say what happened and what the bot does.
      logger: boltLogger(options.logger, 'socket-mode', { withDebug: false, errorsAsWarnings: true }),
      autoReconnectEnabled: false,
      installerOptions: { clientOptions: { slackApiUrl, fetch, timeout: timeouts.openMs, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true } },
    });
    this.timeouts = timeouts;
    this.log = options.logger.child({ component: 'socket-mode' });
    const clock = new SystemClock();
    this.sleep = clock.sleep.bind(clock);
    this.client.on('connected', () => {
      this.linkUp = true;
      this.linkUpAt = Date.now();
      this.linkCarried = false;
      const gap = this.downSince === undefined ? undefined : Date.now() - this.downSince;
      this.downSince = undefined;
      this.log.info(gap === undefined ? {} : { msWithoutLink: gap }, 'Socket Mode connected (Slack said hello)');
    });
    this.client.on('disconnected', () => {
      const wasUp = this.linkUp;
      this.linkUp = false;
      if (!wasUp || this.stopping.signal.aborted) return;
      this.downSince = Date.now();
      const reason = this.closeReason ?? 'the link closed without a disconnect message (dropped, or no pong within 5 s)';
      this.closeReason = undefined;
      const unsteady = !this.linkCarried && Date.now() - this.linkUpAt < STEADY_LINK_MS;
      this.unsteadyLinks = unsteady ? this.unsteadyLinks + 1 : 0;
      const pauseMs = backoffMs(this.unsteadyLinks);
      if (pauseMs > 0) this.log.warn({ reason, reconnectInMs: pauseMs }, 'Socket Mode closed again right after it connected; reconnecting after a pause');
      else this.log.info({ reason }, 'Socket Mode disconnected; reconnecting at once');
      // An attempt still in progress sees the link down when it ends, and goes on (connect below).
      if (this.connecting) return;
      this.connect('reconnect', pauseMs).catch((error: unknown) => {
        if (error instanceof AppTokenError) this.options.onRefused(error);
      });
    });
    // Slack's envelopes (the client's documented event): a link that carried one was a sound link.
    this.client.on('slack_event', () => {
      this.linkCarried = true;
    });
    // Slack's `disconnect` message (refresh_requested, warning, ...). The client has just sent its close frame and
    // would wait for the TCP connection to end, which Slack leaves to the pong watchdog; nothing more can be
    // acknowledged on a closing link, so it is let go now and the next one opened at once. `ws_message` is the
    // client's internal event for every frame, not one it documents: it emits none for disconnect messages. The
    // Socket Mode tests (whose fake, like Slack, keeps the TCP connection) fail if an upgrade breaks this.
    this.client.on('ws_message', (data: unknown) => {
      const reason = disconnectReason(data);
      if (reason === undefined) return;
      this.closeReason = `Slack asked (disconnect: ${reason})`;
      this.client.websocket?.disconnect();
    });
  }

  /** True while a link is open and Slack has said hello (the health endpoint). */
  get connected(): boolean {
    return this.linkUp;
  }

  /** Connects, trying again with backoff on anything but a refused token (AppTokenError). */
  override async start(): Promise<webApi.AppsConnectionsOpenResponse> {
    this.stopping = new AbortController();
    return this.connect('start');
  }

  override async stop(): Promise<void> {
    this.stopping.abort(new Error('Socket Mode stopped'));
    await this.closeLink();
    this.log.info('Socket Mode disconnected (stopping)');
  }

  /** Closes the link (or a half-open attempt); Slack's answer to the close frame is waited for 1 s at most. */
  private async closeLink(): Promise<void> {
    await withDeadline(this.client.disconnect(), 1_000, () => this.client.websocket?.disconnect(), this.sleep);
  }

  private async connect(why: 'start' | 'reconnect', pauseMs = 0): Promise<webApi.AppsConnectionsOpenResponse> {
    this.connecting = true;
    try {
      if (pauseMs > 0) await this.sleep(pauseMs, this.stopping.signal);
      for (let attempt = 1; ; attempt += 1) {
        this.log.info({ attempt, why }, 'Socket Mode connecting');
        const opening = this.client.start();
        opening.catch(() => undefined); // an attempt given up on below still settles later
        try {
          const timedOut = new Error(`no hello from Slack within ${this.timeouts.connectMs / 1000} s`);
          const opened = await withDeadline(opening, this.timeouts.connectMs, () => {
            throw timedOut;
          }, this.sleep);
          // stop() came while this attempt was under way (the client's start() clears its own shutdown flag):
          // the link is let go, so that none stays open after stop().
          if (this.stopping.signal.aborted) await this.closeLink();
          // Slack may say hello and disconnect in one breath; the link is then gone before this line.
          if (!this.linkUp) throw new Error('the link closed right after hello');
          return opened;
        } catch (error) {
          if (this.stopping.signal.aborted) throw this.stopping.signal.reason;
          const code = slackErrorCode(error);
          if (code && code in APP_TOKEN_REFUSALS) throw new AppTokenError(code);
          const retryAfterMs = 1000 * (((error as { retryAfter?: number } | undefined)?.retryAfter) ?? 0);
          const waitMs = Math.max(retryAfterMs, backoffMs(attempt));
          this.log.warn({ attempt, why, reason: describe(error, code), retryInMs: waitMs }, 'Socket Mode could not connect; trying again');
          await this.closeLink(); // a half-open attempt is closed before the next one
          await this.sleep(waitMs, this.stopping.signal);
        }
      }
    } finally {
      this.connecting = false;
    }
  }
}

/** The reason of a Slack `disconnect` message, or undefined for any other frame. Envelopes are not looked into. */
function disconnectReason(data: unknown): string | undefined {
  // Slack sends text frames (the client ignores binary ones); the cheap test spares parsing every envelope twice.
  if (typeof data !== 'string' || !data.includes('"disconnect"')) return undefined;
  try {
    const message = JSON.parse(data) as { type?: unknown; reason?: unknown };
    return message.type === 'disconnect' ? String(message.reason ?? 'no reason given') : undefined;
  } catch {
    return undefined;
  }
}

function describe(error: unknown, code: string | undefined): string {
  // A request error is the network's (refused, reset, our deadline): its message says which.
  if (code === 'request_error' && error instanceof Error) return `apps.connections.open: ${error.message}`;
  if (code) return `apps.connections.open: ${code}`;
  if (error instanceof Error) return error.message;
  return 'the WebSocket closed before Slack said hello';
}
