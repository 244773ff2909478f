// The composition root: builds the services the listeners and the core use from the configuration.
// AWS adapters and the simulated stack plug in here.
import type { webApi } from '@slack/bolt';
import { SystemClock } from './adapters/clock';
import type { Config } from './config';
import type { Clock } from './core/ports';
import type { AppDeps } from './listeners/deps';
import type { Logger } from './logger';
import { createSlackClient } from './slack/client';
import { SlackPeopleDirectory } from './slack/people-directory';

export interface BuildOptions {
  clock?: Clock;
  /** Web API client overrides (tests turn retries off). */
  slackClientOptions?: webApi.WebClientOptions;
}

export function buildDeps(config: Config, logger: Logger, options: BuildOptions = {}): AppDeps {
  const clock = options.clock ?? new SystemClock();
  const slack = createSlackClient(config, logger, options.slackClientOptions);
  return {
    config,
    logger,
    clock,
    slack,
    people: new SlackPeopleDirectory(slack, clock),
  };
}
