// Web API client settings shared by Bolt's client and the one the composition root hands to services.
import { webApi } from '@slack/bolt';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { boltLogger } from './bolt-logger';
import { slackFetch } from './http-fetch';

/**
 * `SLACK_API_URL` (GovSlack, tests) when set. Retries stay at the Web API client's default (which also
 * waits out Slack's rate limits) unless `overrides` says otherwise, as tests do.
 */
export function slackClientOptions(
  config: Config,
  logger: Logger,
  overrides: webApi.WebClientOptions = {},
): webApi.WebClientOptions {
  // Bolt answers response_urls with this client's `fetch` too, so one transport carries every call to Slack.
  const options: webApi.WebClientOptions = { logger: boltLogger(logger, 'slack-web-api'), fetch: slackFetch };
  if (config.slack.apiUrl) options.slackApiUrl = config.slack.apiUrl.endsWith('/') ? config.slack.apiUrl : `${config.slack.apiUrl}/`;
  return { ...options, ...overrides };
}

export function createSlackClient(
  config: Config,
  logger: Logger,
  overrides: webApi.WebClientOptions = {},
): webApi.WebClient {
  return new webApi.WebClient(config.slack.botToken, slackClientOptions(config, logger, overrides));
}
