import { webApi } from '@slack/bolt';
import { describeSlackError, isTransientSlackError, slackErrorCode } from '../../src/slack/errors';
import { FakeSlack } from '../support/fake-slack';

describe('Slack errors in plain words', () => {
  let fake: FakeSlack;
  let client: webApi.WebClient;
  beforeAll(async () => {
    fake = await FakeSlack.start();
    client = new webApi.WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
  });
  afterAll(async () => {
    await fake.stop();
  });

  async function failure(run: () => Promise<unknown>): Promise<unknown> {
    try {
      await run();
    } catch (error) {
      return error;
    }
    throw new Error('expected the call to fail');
  }

  it('says the bot is not in the channel and how to invite it', async () => {
    fake.notInChannel.add('C0PRIVATE');
    const error = await failure(() => client.chat.postMessage({ channel: 'C0PRIVATE', text: 'hi' }));
    expect(slackErrorCode(error)).toBe('not_in_channel');
    expect(describeSlackError(error)).toContain('Invite me with `/invite @switchover`');
  });

  it('says a channel it cannot see may be private', async () => {
    fake.fail('chat.postMessage', 'channel_not_found', 1);
    const error = await failure(() => client.chat.postMessage({ channel: 'C0GONE', text: 'hi' }));
    expect(slackErrorCode(error)).toBe('channel_not_found');
    expect(describeSlackError(error)).toContain('I cannot see this channel');
  });

  it('names a missing scope', async () => {
    fake.fail('usergroups.users.list', 'missing_scope', 1);
    const error = await failure(() => client.usergroups.users.list({ usergroup: 'S0OPS' }));
    expect(describeSlackError(error)).toContain('missing the Slack scope');
  });

  it('says when Slack rate limits the bot', async () => {
    fake.rateLimit('chat.update', 5);
    const error = await failure(() => client.chat.update({ channel: 'C0A', ts: '1.2', text: 'x' }));
    expect(slackErrorCode(error)).toBe('ratelimited');
    expect(describeSlackError(error)).toContain('rate limiting');
  });

  it('quotes an unknown Slack error code', async () => {
    fake.fail('chat.postMessage', 'some_new_error', 1);
    const error = await failure(() => client.chat.postMessage({ channel: 'C0A', text: 'x' }));
    expect(describeSlackError(error)).toBe('Slack refused the call: `some_new_error`.');
  });

  it('passes other errors through as their message', () => {
    expect(slackErrorCode(new Error('boom'))).toBeUndefined();
    expect(describeSlackError(new Error('boom'))).toBe('boom');
  });
});

describe('isTransientSlackError', () => {
  const platform = (error: string) => Object.assign(new Error(`An API error occurred: ${error}`), { code: 'slack_webapi_platform_error', data: { ok: false, error } });
  it('tells passing Slack failures (worth retrying) from lasting ones', () => {
    expect(isTransientSlackError(Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: 1 }))).toBe(true);
    expect(isTransientSlackError(Object.assign(new Error('x'), { code: 'slack_webapi_http_error', statusCode: 503 }))).toBe(true);
    expect(isTransientSlackError(platform('request_timeout'))).toBe(true);
    expect(isTransientSlackError(platform('not_in_channel'))).toBe(false);
    expect(isTransientSlackError(new Error('bug'))).toBe(false);
  });
});
