// The app at the real Slack boundary: signed HTTP requests in, Web API calls and response_url posts out.
import type { BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { createApp } from '../src/app';
import { buildDeps } from '../src/composition';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { FakeSlack } from './support/fake-slack';
import { freePort, runBot } from './support/run-bot';
import { slackSignature } from './support/slack-signature';
import { CHANNEL, OPERATOR, SIGNING_SECRET, startHarness, type Harness } from './support/slack-harness';

describe('app over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  const noEffect = (responseCount: number) => {
    expect(h.fake.calls.map((c) => c.method)).toEqual(['auth.test']);
    expect(h.fake.responses).toHaveLength(responseCount);
    expect(h.logs().filter((l) => l.msg === 'slash command')).toHaveLength(0);
  };

  it('checks the bot token with auth.test against SLACK_API_URL on start', () => {
    expect(h.fake.callsOf('auth.test')).toEqual([{ method: 'auth.test', args: {}, token: 'xoxb-harness-bot-token' }]);
  });

  it('rejects a slash command without a signature with 401 and no effect', async () => {
    const sent = await h.slash('shift dev 10', { signing: { omit: true } });
    expect(sent.status).toBe(401);
    noEffect(0);
  });

  it('rejects a slash command signed with the wrong secret with 401 and no effect', async () => {
    const sent = await h.slash('shift dev 10', { signing: { secret: 'not-the-signing-secret' } });
    expect(sent.status).toBe(401);
    noEffect(0);
  });

  it('rejects a correctly signed slash command from five minutes ago (a replay) with 401 and no effect', async () => {
    const fiveMinutesAgo = Math.floor(Date.now() / 1000) - 5 * 60 - 1;
    const sent = await h.slash('help', { signing: { timestampSec: fiveMinutesAgo } });
    expect(sent.status).toBe(401);
    noEffect(0);
  });

  it('rejects a body altered after signing', async () => {
    const ts = Math.floor(Date.now() / 1000);
    const signed = 'command=%2Fswitchover&text=status';
    const { status } = await h.post('command=%2Fswitchover&text=shift+dev+100', {
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': slackSignature(SIGNING_SECRET, ts, signed),
    });
    expect(status).toBe(401);
    noEffect(0);
  });

  it('rejects a forged button click with 401', async () => {
    const seen: string[] = [];
    h.bot.app.action('probe_forged', async () => {
      seen.push('clicked');
    });
    const sent = await h.click('probe_forged', 'x', { signing: { secret: 'forged' } });
    expect(sent.status).toBe(401);
    expect(seen).toEqual([]);
  });

  it('delivers a signed button click with the documented payload to the action listener', async () => {
    const received: SlackActionMiddlewareArgs<BlockButtonAction>['body'][] = [];
    // The bot's own button listener acknowledges every click; this one only looks.
    h.bot.app.action<BlockButtonAction>('probe_click', async ({ body }) => {
      received.push(body);
    });
    const sent = await h.click('probe_click', 'request-1', { user: 'U0BOB', messageTs: '1767268800.000100', blockId: 'decision' });
    expect(sent.status).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0BOB' },
      channel: { id: CHANNEL },
      container: { message_ts: '1767268800.000100', channel_id: CHANNEL },
      actions: [{ action_id: 'probe_click', value: 'request-1', block_id: 'decision', type: 'button' }],
    });
  });

  it('delivers a signed view submission to the view listener', async () => {
    const received: string[] = [];
    h.bot.app.view('probe_view', async ({ ack, view, body }) => {
      await ack();
      received.push(`${body.user.id}:${view.private_metadata}`);
    });
    const sent = await h.submitView('probe_view', '{"stage":"dev"}', OPERATOR);
    expect(sent.status).toBe(200);
    expect(received).toEqual([`${OPERATOR}:{"stage":"dev"}`]);
  });

  it('serves a health check for load balancers and orchestrators', async () => {
    const response = await fetch(`${h.url}/healthz`);
    expect(response.status).toBe(200);
  });
});

describe('app start-up', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await FakeSlack.start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  const env = (more: Record<string, string> = {}) =>
    loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-start-token',
      SLACK_SIGNING_SECRET: 'start-secret',
      SLACK_API_URL: fake.apiUrl,
      SWITCHOVER_SIMULATE: 'true',
      ...more,
    });

  it('refuses to start, in plain words, when Slack does not accept the bot token', async () => {
    fake.fail('auth.test', 'invalid_auth', 1);
    const config = env();
    const logger = createLogger({ level: 'silent' });
    const bot = createApp(config, buildDeps(config, logger), { port: 0, clientOptions: { retryConfig: { retries: 0 } } });
    await expect(bot.start()).rejects.toThrow(
      'Slack did not accept SLACK_BOT_TOKEN (auth.test failed): Slack did not accept the bot token. Check SLACK_BOT_TOKEN',
    );
  });

  it('uses Socket Mode when SLACK_APP_TOKEN is set, opening the connection through SLACK_API_URL with the app token', async () => {
    fake.fail('apps.connections.open', 'invalid_auth');
    const config = env({ SLACK_APP_TOKEN: 'xapp-1-start-app-token', SLACK_SIGNING_SECRET: '' });
    expect(config.slack.mode).toBe('socket');
    const logger = createLogger({ level: 'silent' });
    const bot = createApp(config, buildDeps(config, logger), { clientOptions: { retryConfig: { retries: 0 } } });
    await expect(bot.start()).rejects.toThrow(
      'Slack refused SLACK_APP_TOKEN (apps.connections.open: invalid_auth): it is not a valid app-level token; create one under Basic Information > App-Level Tokens',
    );
    const open = fake.callsOf('apps.connections.open');
    expect(open.length).toBeGreaterThan(0);
    expect(open[0]!.token).toBe('xapp-1-start-app-token');
    await bot.stop();
  });
});

describe('the bot process', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await FakeSlack.start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('starts in HTTP mode, answers Slack, and stops cleanly on SIGTERM with exit code 0', async () => {
    const port = await freePort();
    const bot = runBot({
      SLACK_BOT_TOKEN: 'xoxb-process-token',
      SLACK_SIGNING_SECRET: 'process-secret',
      SLACK_API_URL: fake.apiUrl,
      SWITCHOVER_SIMULATE: 'true',
      PORT: String(port),
    });
    try {
      await bot.waitForOutput('switchover-bot is listening');
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toEqual({ code: 0, signal: null });
      const lines = bot.stdout().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['switchover-bot is listening', 'stopping', 'switchover-bot stopped']));
      expect(bot.stdout()).not.toContain('xoxb-process-token');
      expect(bot.stdout()).not.toContain('process-secret');
    } finally {
      bot.child.kill('SIGKILL');
    }
  });
});

describe('app start-up when Slack is unreachable', () => {
  it('stops with a plain message naming where it tried', async () => {
    const fake = await FakeSlack.start();
    const apiUrl = fake.apiUrl;
    await fake.stop(); // nothing listens there any more
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: apiUrl, SWITCHOVER_SIMULATE: 'true' });
    const logger = createLogger({ level: 'silent' });
    const bot = createApp(config, buildDeps(config, logger), { port: 0, clientOptions: { retryConfig: { retries: 0 } } });
    await expect(bot.start()).rejects.toThrow(`Could not check SLACK_BOT_TOKEN with Slack at ${apiUrl} (auth.test): Could not reach Slack`);
  });
});
