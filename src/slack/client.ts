// Web API client settings shared by Bolt's client and the ones the composition root hands to services. The
// transport is the Web API client's own (Node's fetch); what the bot adds is a deadline on every call.
import { webApi } from '@slack/bolt';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { boltLogger } from './bolt-logger';

/**
 * Each attempt of a Slack call is abandoned after this. An approval dialog must open within 3 s of the click
 * (its trigger expires), and no Slack call may hold a lock, a read slot or a traffic change for long.
 */
export const SLACK_CALL_TIMEOUT_MS = 2_500;

/**
 * One more attempt, soon, after a 5xx, a timeout or a broken connection; then the caller gets the error (at most
 * about 5.3 s in all). A 429 is rejected at once with Slack's Retry-After (WebAPIRateLimitedError), never slept
 * on inside the call: the work that made the call knows how long it can wait, and the background retries of
 * message posts and edits wait out the Retry-After themselves.
 */
export const SLACK_RETRY_CONFIG: webApi.RetryOptions = { retries: 1, factor: 1, minTimeout: 250, maxTimeout: 250, randomize: false };

/**
 * Bolt's respond() (answers to a response_url) and the chart upload's POST go through this `fetch`: Node's
 * own, with the call deadline when the caller gave no signal (the Web API client always gives its own).
 */
export const slackFetch: webApi.FetchFunction = (url, init) =>
  fetch(url, { ...(init as RequestInit), signal: init?.signal ?? AbortSignal.timeout(SLACK_CALL_TIMEOUT_MS) }) as ReturnType<webApi.FetchFunction>;

/** `SLACK_API_URL` (GovSlack, tests) when set; the deadlines above unless `overrides` says otherwise. */
export function slackClientOptions(
  config: Config,
  logger: Logger,
  overrides: webApi.WebClientOptions = {},
): webApi.WebClientOptions {
  const options: webApi.WebClientOptions = {
    logger: boltLogger(logger, 'slack-web-api'),
    fetch: slackFetch,
    timeout: SLACK_CALL_TIMEOUT_MS,
    retryConfig: SLACK_RETRY_CONFIG,
    rejectRateLimitedCalls: true,
  };
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
