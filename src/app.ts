// Builds the Bolt app: Socket Mode when SLACK_APP_TOKEN is set (slack/socket-mode.ts, with /healthz on
// SWITCHOVER_HEALTH_PORT when set), otherwise HTTP on PORT at /slack/events (Slack's signature check on every
// request, /healthz beside it). The Web API client honours SLACK_API_URL.
import type { AddressInfo } from 'node:net';
import { App, type Receiver, type webApi } from '@slack/bolt';
import type { Config } from './config';
import type { AppDeps } from './listeners/deps';
import { registerListeners } from './listeners';
import { boltLogger } from './slack/bolt-logger';
import { STARTUP_RETRY, verifyBotToken, type BotIdentity } from './slack/bot-identity';
import { slackClientOptions } from './slack/client';
import { startHealthServer, type HealthServer } from './slack/health';
import { SlackHttpReceiver } from './slack/http-mode';
import { SocketModeConnection } from './slack/socket-mode';

export type { AppDeps } from './listeners/deps';

export const EVENTS_PATH = '/slack/events';
export const HEALTH_PATH = '/healthz';

export interface CreateAppOptions {
  /** Web API client overrides; tests turn retries off. Production keeps the default retry policy. */
  clientOptions?: webApi.WebClientOptions;
  /** HTTP port, overriding config.slack.port; 0 picks a free one (tests). */
  port?: number;
  /** Socket Mode health port, overriding config.slack.healthPort; 0 picks a free one (tests). */
  healthPort?: number;
  /**
   * Socket Mode: Slack refused the app token while the bot was running; the caller ends the process (index.ts).
   * Without it the refusal is only logged.
   */
  onFatal?: (error: Error) => void;
}

export interface SwitchoverApp {
  app: App;
  /**
   * Checks the bot token (auth.test, short retry budget), then listens (HTTP, `port` set) or connects (Socket
   * Mode, `healthPort` set when the health endpoint is on).
   */
  start(): Promise<{ port?: number; healthPort?: number }>;
  stop(): Promise<void>;
}

export function createApp(config: Config, deps: AppDeps, options: CreateAppOptions = {}): SwitchoverApp {
  const logger = boltLogger(deps.logger);
  const clientOptions = slackClientOptions(config, deps.logger, options.clientOptions);
  const onFatal = options.onFatal ?? ((error: Error) => deps.logger.fatal(error.message));
  const socket =
    config.slack.mode === 'socket'
      ? new SocketModeConnection({ appToken: config.slack.appToken!, clientOptions, logger: deps.logger, onRefused: onFatal })
      : undefined;
  const receiver = socket ?? httpReceiver(config, deps);
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
  let health: HealthServer | undefined;
  return {
    app,
    async start() {
      // A short retry budget of its own (about 15 s), unless a test turned retries off.
      identity = await verifyBotToken(config.slack.botToken, { ...clientOptions, retryConfig: options.clientOptions?.retryConfig ?? STARTUP_RETRY });
      deps.logger.info({ team: identity.team, teamId: identity.teamId, botUserId: identity.botUserId }, 'bot token accepted by Slack');
      if (socket) {
        const healthPort = options.healthPort ?? config.slack.healthPort;
        // Up before the first connection: while Slack cannot be reached, the endpoint says so.
        if (healthPort !== undefined) {
          health = await startHealthServer(healthPort, () => ({ slackConnected: socket.connected, dataDirHeld: deps.dataDirHeld() }), deps.logger);
        }
        running = true;
        try {
          await app.start();
        } catch (error) {
          running = false;
          await health?.close();
          throw error;
        }
        deps.logger.info({ mode: 'socket' }, 'switchover-bot is connected to Slack in Socket Mode');
        return health ? { healthPort: health.port } : {};
      }
      const port = options.port ?? config.slack.port;
      const server = await app.start(port);
      running = true;
      const address = (server as { address(): AddressInfo | string | null }).address();
      const actual = typeof address === 'object' && address ? address.port : port;
      deps.logger.info({ mode: 'http', port: actual, path: EVENTS_PATH }, 'switchover-bot is listening');
      return { port: actual };
    },
    async stop() {
      if (!running) return;
      running = false;
      await app.stop();
      await health?.close();
      deps.logger.info('switchover-bot stopped');
    },
  };
}

function httpReceiver(config: Config, deps: AppDeps): Receiver {
  return new SlackHttpReceiver({
    // loadConfig refuses HTTP mode (no SLACK_APP_TOKEN) without SLACK_SIGNING_SECRET.
    signingSecret: config.slack.signingSecret!,
    eventsPath: EVENTS_PATH,
    healthPath: HEALTH_PATH,
    health: () => ({ dataDirHeld: deps.dataDirHeld() }),
    logger: boltLogger(deps.logger, 'bolt-receiver'),
  });
}
