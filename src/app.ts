// Builds the Bolt app: Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP on PORT at /slack/events
// (Slack's signature check on every request). The Web API client honours SLACK_API_URL.
import type { AddressInfo } from 'node:net';
import { App, SocketModeReceiver, type Receiver, type webApi } from '@slack/bolt';
import type { Config } from './config';
import type { AppDeps } from './listeners/deps';
import { registerListeners } from './listeners';
import { boltLogger } from './slack/bolt-logger';
import { STARTUP_RETRY, verifyBotToken, type BotIdentity } from './slack/bot-identity';
import { describeSlackError, slackErrorCode } from './slack/errors';
import { slackClientOptions } from './slack/client';
import { SlackHttpReceiver } from './slack/http-mode';

export type { AppDeps } from './listeners/deps';

export const EVENTS_PATH = '/slack/events';
export const HEALTH_PATH = '/healthz';

export interface CreateAppOptions {
  /** Web API client overrides; tests turn retries off. Production keeps the default retry policy. */
  clientOptions?: webApi.WebClientOptions;
  /** HTTP port, overriding config.slack.port; 0 picks a free one (tests). */
  port?: number;
}

export interface SwitchoverApp {
  app: App;
  /** Checks the bot token (auth.test, short retry budget), then listens. `port` is set in HTTP mode. */
  start(): Promise<{ port?: number }>;
  stop(): Promise<void>;
}

/** What to fix when Slack refuses to open a Socket Mode connection with the app token. */
const APP_TOKEN_REFUSALS = new Map([
  ['invalid_auth', 'it is not a valid app-level token; create one under Basic Information > App-Level Tokens (xapp-...).'],
  ['not_authed', 'no token was sent; set SLACK_APP_TOKEN to the app-level token (xapp-...).'],
  ['missing_scope', 'the app-level token lacks the connections:write scope; create a token with it.'],
  ['not_allowed_token_type', 'it is not an app-level token (xoxb-/xoxp- go in SLACK_BOT_TOKEN); use the xapp-... token.'],
  ['token_revoked', 'the token was revoked; create a new app-level token.'],
]);

export class StartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartError';
  }
}

export function createApp(config: Config, deps: AppDeps, options: CreateAppOptions = {}): SwitchoverApp {
  const logger = boltLogger(deps.logger);
  const clientOptions = slackClientOptions(config, deps.logger, options.clientOptions);
  const receiver = createReceiver(config, deps, clientOptions);
  // The token is checked once in start() (verifyBotToken); every request is then authorized with that
  // identity, so Bolt makes no auth.test of its own (which would retry for half an hour if Slack is down).
  // Listeners get a Web API client bound to the bot token through Bolt's `client` argument.
  let identity: BotIdentity | undefined;
  const app = new App({
    receiver,
    logger,
    clientOptions,
    // The bot keeps no conversation state in Bolt; its default in-memory store costs every event a rejected
    // lookup (an Error with a stack trace) for nothing.
    convoStore: false,
    authorize: async () => {
      if (!identity) throw new Error('switchover-bot has not started yet');
      return { botToken: config.slack.botToken, botId: identity.botId, botUserId: identity.botUserId, teamId: identity.teamId };
    },
  });
  app.error(async (error) => {
    deps.logger.error({ err: error }, 'unhandled error in a Slack listener');
  });
  registerListeners(app, deps);

  let running = false;
  return {
    app,
    async start() {
      // A short retry budget of its own (about 15 s), unless a test turned retries off.
      identity = await verifyBotToken(config.slack.botToken, { ...clientOptions, retryConfig: options.clientOptions?.retryConfig ?? STARTUP_RETRY });
      deps.logger.info({ team: identity.team, teamId: identity.teamId, botUserId: identity.botUserId }, 'bot token accepted by Slack');
      const port = options.port ?? config.slack.port;
      let started: unknown;
      try {
        started = await app.start(port);
      } catch (error) {
        const code = config.slack.mode === 'socket' ? slackErrorCode(error) : undefined;
        if (code && APP_TOKEN_REFUSALS.has(code)) {
          throw new StartError(`Slack refused SLACK_APP_TOKEN (apps.connections.open: ${code}): ${APP_TOKEN_REFUSALS.get(code)} ${describeSlackError(error)}`);
        }
        throw error;
      }
      running = true;
      if (config.slack.mode === 'http') {
        const address = (started as { address(): AddressInfo | string | null }).address();
        const actual = typeof address === 'object' && address ? address.port : port;
        deps.logger.info({ mode: 'http', port: actual, path: EVENTS_PATH }, 'switchover-bot is listening');
        return { port: actual };
      }
      deps.logger.info({ mode: 'socket' }, 'switchover-bot is connected to Slack in Socket Mode');
      return {};
    },
    async stop() {
      if (!running) return;
      running = false;
      await app.stop();
      deps.logger.info('switchover-bot stopped');
    },
  };
}

function createReceiver(config: Config, deps: AppDeps, clientOptions: webApi.WebClientOptions): Receiver {
  const logger = boltLogger(deps.logger, 'bolt-receiver');
  if (config.slack.mode === 'socket') {
    const receiver = new SocketModeReceiver({
      appToken: config.slack.appToken!,
      logger: boltLogger(deps.logger, 'bolt-receiver', { withDebug: false }),
      // apps.connections.open must go to the same Slack as everything else (SLACK_API_URL).
      installerOptions: { clientOptions: { slackApiUrl: clientOptions.slackApiUrl } },
    });
    // Every change of the connection at info, so a bot gone quiet shows in the logs.
    for (const state of ['connecting', 'authenticated', 'connected', 'reconnecting', 'disconnecting', 'disconnected'] as const) {
      receiver.client.on(state, () => deps.logger.info({ mode: 'socket', state }, `Socket Mode ${state}`));
    }
    return receiver;
  }
  if (!config.slack.signingSecret) throw new StartError('SLACK_SIGNING_SECRET is required in HTTP mode');
  return new SlackHttpReceiver({ signingSecret: config.slack.signingSecret, eventsPath: EVENTS_PATH, healthPath: HEALTH_PATH, logger });
}
