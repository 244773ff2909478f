// Entry point: .env, configuration, composition, start; SIGTERM/SIGINT stop the app cleanly.
import { config as loadDotenv } from 'dotenv';
import { createApp } from './app';
import { BotTokenError } from './slack/bot-identity';
import { AppTokenError } from './slack/socket-mode';
import { StagesFileError } from './adapters/aws/stages-file';
import { DataDirLockHeldError } from './adapters/journal/data-dir-lock';
import { startBackground, stopBackground } from './background';
import { buildDeps } from './composition';
import type { AppDeps } from './listeners/deps';
import { ConfigError, loadConfig, type Config } from './config';
import { createLogger } from './logger';

const STOP_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    exitOn(error, ConfigError, 'See README.md (Settings) and .env.example.\n');
  }
  const logger = createLogger({ level: config.logLevel, secrets: [config.slack.signingSecret] });
  for (const notice of config.deprecated) logger.warn(notice);
  let deps: AppDeps;
  try {
    // A bot that lost its data directory lock must not act once more: it exits at once, saying why.
    const onLost = (error: Error) => {
      logger.fatal(error.message);
      process.exit(1);
    };
    deps = buildDeps(config, logger, { dataDirLock: { onLost } });
  } catch (error) {
    exitOn(error, StagesFileError);
  }
  let stopping = false;
  /** Stops the app, then the background work (journal closed, data directory lock given back), then exits. */
  const shutdown = (code: 0 | 1) => {
    if (stopping) return;
    stopping = true;
    // Never hang on shutdown: an orchestrator would kill us anyway, less gracefully.
    setTimeout(() => {
      logger.error('could not stop within 10 s; exiting');
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    bot
      .stop()
      .then(() => stopBackground(deps.background, logger))
      .then(
        () => process.exit(code),
        (error: unknown) => {
          logger.error({ err: error }, 'error while stopping');
          process.exit(1);
        },
      );
  };
  const stop = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping');
    shutdown(0);
  };
  // Slack refused the app token while running (revoked, deleted app): one line saying what to fix, then out.
  const onFatal = (error: Error) => {
    logger.fatal(error.message);
    shutdown(1);
  };
  const bot = createApp(config, deps, { onFatal });

  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  try {
    // The data directory is ours, and journal state and watches are back, before the first request is taken.
    await startBackground(deps.background, logger);
    await bot.start();
  } catch (error) {
    if (stopping) return; // a signal came during start-up: the shutdown above exits
    const plain = [BotTokenError, DataDirLockHeldError, AppTokenError].some((kind) => error instanceof kind);
    // A refusal needs no stack trace: the message says what to fix.
    if (plain) logger.fatal((error as Error).message);
    else logger.fatal({ err: error }, 'switchover-bot could not start');
    // The journal closed and the data directory lock given back, so the next start need not wait for it.
    await stopBackground(deps.background, logger).catch(() => undefined);
    process.exit(1);
  }
}

/** A wrong setting or stages file: its message on stderr (there may be no logger yet), then exit 1. */
function exitOn(error: unknown, kind: typeof ConfigError | typeof StagesFileError, hint = ''): never {
  if (!(error instanceof kind)) throw error;
  process.stderr.write(`${error.message}\n${hint}`);
  process.exit(1);
}

void main();
