// The start-up check of SLACK_BOT_TOKEN (auth.test). It runs with a short retry budget of its own, so an
// unreachable Slack or a bad token stops start-up within seconds with a plain message, instead of the
// Web API client's default of retrying for half an hour.
import { webApi } from '@slack/bolt';
import { describeSlackError, slackErrorCode } from './errors';

export interface BotIdentity {
  botId?: string;
  botUserId?: string;
  teamId?: string;
  team?: string;
}

/** About 15 s of retries (1 s, 2 s, 4 s, 8 s) for network failures and 5xx answers. */
export const STARTUP_RETRY: webApi.RetryOptions = { retries: 4, factor: 2, minTimeout: 1_000, maxTimeout: 8_000 };

export class BotTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BotTokenError';
  }
}

export async function verifyBotToken(token: string, clientOptions: webApi.WebClientOptions): Promise<BotIdentity> {
  const client = new webApi.WebClient(token, { retryConfig: STARTUP_RETRY, ...clientOptions });
  try {
    const result = await client.auth.test();
    return { botId: result.bot_id, botUserId: result.user_id, teamId: result.team_id, team: result.team };
  } catch (error) {
    const code = slackErrorCode(error);
    const unreachable = code === 'request_error' || code === 'ratelimited' || code?.startsWith('http_');
    const where = clientOptions.slackApiUrl ?? 'https://slack.com/api/';
    throw new BotTokenError(
      unreachable
        ? `Could not check SLACK_BOT_TOKEN with Slack at ${where} (auth.test): ${describeSlackError(error)} Check SLACK_API_URL and the network path to Slack.`
        : `Slack did not accept SLACK_BOT_TOKEN (auth.test failed): ${describeSlackError(error)}`,
    );
  }
}
