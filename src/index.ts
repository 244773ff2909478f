// Entry point: .env, configuration, composition, start; SIGTERM/SIGINT stop the app cleanly.
import { config as loadDotenv } from 'dotenv';
import { createApp, StartError } from './app';
import { BotTokenError } from './slack/bot-identity';
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
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee README.md (Settings) and .env.example.\n`);
      process.exit(1);
    }
    throw error;
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
    if (error instanceof StagesFileError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const bot = createApp(config, deps);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    // Never hang on shutdown: an orchestrator would kill us anyway, less gracefully.
    setTimeout(() => {
      logger.error('could not stop within 10 s; exiting');
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    bot
      .stop()
      .then(() => stopBackground(deps.background, logger))
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'error while stopping');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  try {
    // The data directory is ours, and journal state and watches are back, before the first request is taken.
    await startBackground(deps.background, logger);
    await bot.start();
  } catch (error) {
    logger.fatal({ err: error }, error instanceof StartError || error instanceof BotTokenError || error instanceof DataDirLockHeldError ? error.message : 'switchover-bot could not start');
    // The journal closed and the data directory lock given back, so the next start need not wait for it.
    await stopBackground(deps.background, logger).catch(() => undefined);
    process.exit(1);
  }
}

void main();
