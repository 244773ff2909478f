// Socket Mode end to end: the real app against a fake Slack Web API (apps.connections.open) and a fake Socket
// Mode server speaking Slack's protocol (hello, envelopes and their acknowledgements, disconnect messages, a
// dropped link), with the health endpoint on. A command, a click and a dialog submission go the whole way.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type SwitchoverApp } from '../../src/app';
import { startBackground, stopBackground } from '../../src/background';
import { APPROVE_ACTION, APPROVE_CONFIRM_CALLBACK } from '../../src/blocks/request';
import { buildDeps } from '../../src/composition';
import { loadConfig } from '../../src/config';
import type { AppDeps } from '../../src/listeners/deps';
import { createLogger } from '../../src/logger';
import { LOCK_FILE } from '../../src/adapters/journal/data-dir-lock';
import { AppTokenError, SocketModeConnection } from '../../src/slack/socket-mode';
import { FakeChartServer } from '../support/fake-chart-server';
import { FakeSlack } from '../support/fake-slack';
import { FakeSocketMode } from '../support/fake-socket-mode';
import { runHealthcheck } from '../support/healthcheck';
import { freePort, runBot, type BotProcess } from '../support/run-bot';
import { blockActionsPayload, botEnv, CHANNEL, slashCommandFields, viewSubmissionPayload } from '../support/slack-harness';

const APP_TOKEN = 'xapp-1-A0SWITCHOVER-socket-test-token';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';
/** Typed by a user: it must never reach a log line, at any level. */
const SECRET_WORDS = 'shift staging 10';

describe('Socket Mode end to end', () => {
  let slack: FakeSlack;
  let socket: FakeSocketMode;
  let charts: FakeChartServer;
  let dataDir: string;
  let deps: AppDeps;
  let bot: SwitchoverApp;
  let healthUrl: string;
  const fatal: Error[] = [];
  const lines: string[] = [];
  const logs = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const logged = (msg: string) => logs().filter((l) => l.msg === msg);

  beforeAll(async () => {
    slack = await FakeSlack.start();
    socket = await FakeSocketMode.start(slack);
    charts = new FakeChartServer();
    await charts.start();
    dataDir = await mkdtemp(join(tmpdir(), 'switchover-socket-'));
    const config = loadConfig({
      ...botEnv(slack, charts, dataDir),
      SLACK_SIGNING_SECRET: '',
      SLACK_APP_TOKEN: APP_TOKEN,
      SWITCHOVER_OPERATORS: ALICE,
      SWITCHOVER_APPROVERS: BOB,
      LOG_LEVEL: 'debug',
    });
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
    const noRetries = { retryConfig: { retries: 0 }, rejectRateLimitedCalls: true };
    deps = buildDeps(config, logger, { slackClientOptions: noRetries });
    bot = createApp(config, deps, { clientOptions: noRetries, healthPort: 0, onFatal: (error) => fatal.push(error) });
    await startBackground(deps.background, logger);
    const started = await bot.start();
    healthUrl = `http://127.0.0.1:${started.healthPort}/healthz`;
  });

  afterAll(async () => {
    await bot.stop();
    await stopBackground(deps.background, deps.logger);
    await socket.stop();
    await slack.stop();
    await charts.down();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('opens the link with the app token through apps.connections.open, and reports itself healthy', async () => {
    expect(slack.callsOf('apps.connections.open').map((c) => c.token)).toEqual([APP_TOKEN]);
    expect(socket.links).toHaveLength(1);
    expect(logged('Socket Mode connected (Slack said hello)')).toHaveLength(1);
    const health = await fetch(healthUrl);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', slack: 'connected', dataDir: 'held' });
  });

  it('takes a command, a click on its request and the approval dialog, acknowledging each envelope', async () => {
    // The command: acknowledged at once (no payload), then the request posted in the channel.
    const command = await socket.deliver('slash_commands', slashCommandFields(SECRET_WORDS, { user: ALICE }, slack.newResponseUrl()), true);
    expect(command.payload ?? {}).toEqual({});
    await waitUntil(() => deps.approvals.openRequest('staging')?.messageTs !== undefined);
    const request = deps.approvals.openRequest('staging')!;
    const requestMessage = slack.messages.find((m) => m.channel === CHANNEL && m.ts === request.messageTs)!;

    // The click on Approve: acknowledged, then the dialog opened with the click's trigger.
    const click = blockActionsPayload(APPROVE_ACTION, request.id, { user: BOB, messageTs: requestMessage.ts }, slack.newResponseUrl(), requestMessage);
    const clickAck = await socket.deliver('interactive', click, false);
    expect(clickAck.payload ?? {}).toEqual({});
    const dialog = await slack.waitForCall('views.open');
    expect(dialog.args.trigger_id).toBe(click.trigger_id);

    // The dialog's Apply: acknowledged (the modal closes), then the weights applied and the message updated.
    const submitted = await socket.deliver('interactive', viewSubmissionPayload(APPROVE_CONFIRM_CALLBACK, request.id, BOB), true);
    expect(submitted.payload ?? {}).toEqual({});
    await slack.waitFor(() => (requestMessage.versions.length > 1 && /Applied/.test(JSON.stringify(requestMessage.blocks)) ? true : undefined), 'the applied request message');
    expect(socket.strayFrames).toEqual([]);
  });

  it('answers in the acknowledgement itself when the command can be answered without work', async () => {
    const ack = await socket.deliver('slash_commands', slashCommandFields('bogus', { user: ALICE }, slack.newResponseUrl()), true);
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    expect(String(ack.payload!.text)).toMatch(/\S/);
  });

  it('reconnects through a new apps.connections.open as soon as Slack asks (refresh_requested, warning), and logs why', async () => {
    const opened = slack.callsOf('apps.connections.open').length;
    const old = socket.askToReconnect('refresh_requested');
    // Well before the 5 s the client's own policy would wait (its ping timeout) before even asking for a URL.
    const next = await socket.waitForLinks(2, 2_500);
    expect(slack.callsOf('apps.connections.open')).toHaveLength(opened + 1);
    expect(next.ticket).not.toBe(old.ticket);
    await waitUntil(() => old.closedAt !== undefined);
    expect(logged('Socket Mode disconnected; reconnecting at once').at(-1)).toMatchObject({ reason: 'Slack asked (disconnect: refresh_requested)' });
    // Envelopes flow on the new link.
    const ack = await socket.deliver('slash_commands', slashCommandFields('help', { user: ALICE }, slack.newResponseUrl()), true);
    expect(ack.envelope_id).toBeDefined();
    // The same for Slack's warning that the link is about to close.
    socket.askToReconnect('warning');
    await socket.waitForLinks(3, 2_500);
    expect(logged('Socket Mode disconnected; reconnecting at once').at(-1)).toMatchObject({ reason: 'Slack asked (disconnect: warning)' });
  });

  it('reconnects at once after a dropped link, and logs it', async () => {
    socket.drop();
    await socket.waitForLinks(4, 2_500);
    expect(logged('Socket Mode disconnected; reconnecting at once').at(-1)!.reason).toMatch(/without a disconnect message/);
    expect(logged('Socket Mode connected (Slack said hello)').at(-1)!.msWithoutLink).toEqual(expect.any(Number));
  });

  it('retries apps.connections.open after 5xx answers with a log line per attempt, unhealthy meanwhile', async () => {
    slack.failHttp('apps.connections.open', 503, 2);
    const failuresBefore = logged('Socket Mode could not connect; trying again').length;
    socket.drop();
    await waitUntil(() => logged('Socket Mode could not connect; trying again').length > failuresBefore);
    const health = await fetch(healthUrl);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ slack: 'not connected' });
    await socket.waitForLinks(5);
    const failures = logged('Socket Mode could not connect; trying again').slice(failuresBefore);
    expect(failures.map((f) => [f.attempt, f.reason])).toEqual([
      [1, 'apps.connections.open: http_503'],
      [2, 'apps.connections.open: http_503'],
    ]);
    expect(failures.map((f) => f.retryInMs)).toEqual([0, 1_000]);
    expect((await fetch(healthUrl)).status).toBe(200);
  });

  it('never logs an envelope, at any level, and logs every connection change at info or above', () => {
    const raw = lines.join('');
    expect(raw).not.toContain(SECRET_WORDS);
    expect(raw).not.toContain('envelope_id');
    expect(raw).not.toContain(APP_TOKEN);
    const connection = logs().filter((l) => l.component === 'socket-mode' && String(l.msg).startsWith('Socket Mode'));
    expect(connection.length).toBeGreaterThan(0);
    expect(connection.every((l) => l.level === 'info' || l.level === 'warn')).toBe(true);
  });

  it('tells the process to end, naming what to fix, when Slack refuses the app token while running', async () => {
    slack.fail('apps.connections.open', 'token_revoked', 1);
    socket.drop();
    await waitUntil(() => fatal.length > 0);
    if (process.env.SHOW_LOGS) process.stderr.write(lines.filter((l) => !l.includes('"debug"')).join(''));
    expect(fatal[0]).toBeInstanceOf(AppTokenError);
    expect(fatal[0]!.message).toBe('Slack refused SLACK_APP_TOKEN (apps.connections.open: token_revoked): the token was revoked; create a new app-level token.');
  });
});

describe('Socket Mode start-up', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await FakeSlack.start();
  });
  afterAll(async () => {
    await slack.stop();
  });

  it.each([
    ['missing_scope', 'the app-level token lacks the connections:write scope'],
    ['not_allowed_token_type', 'it is not an app-level token'],
    ['account_inactive', 'reinstall the app'],
  ])('refuses to start when apps.connections.open answers %s, saying what to fix', async (code, fix) => {
    slack.fail('apps.connections.open', code, 1);
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: slack.apiUrl, SWITCHOVER_SIMULATE: 'true' });
    const bot = createApp(config, buildDeps(config, createLogger({ level: 'silent' })), { clientOptions: { retryConfig: { retries: 0 } } });
    await expect(bot.start()).rejects.toThrow(new RegExp(`^Slack refused SLACK_APP_TOKEN \\(apps.connections.open: ${code}\\): .*${fix}`));
  });
});

describe('the Socket Mode connection when Slack hangs or throttles', () => {
  let slack: FakeSlack;
  let socket: FakeSocketMode;
  let connection: SocketModeConnection;
  const lines: string[] = [];
  const failures = () =>
    lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'Socket Mode could not connect; trying again');
  beforeEach(async () => {
    lines.length = 0;
    slack = await FakeSlack.start();
    socket = await FakeSocketMode.start(slack);
    connection = new SocketModeConnection({
      appToken: APP_TOKEN,
      clientOptions: { slackApiUrl: slack.apiUrl },
      logger: createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } }),
      onRefused: () => undefined,
      timeouts: { openMs: 300, connectMs: 600 },
    });
  });
  afterEach(async () => {
    await connection.stop();
    await socket.stop();
    await slack.stop();
  });

  it('gives up on an apps.connections.open that never answers, says so, and connects once Slack answers', async () => {
    slack.hang('apps.connections.open');
    const started = connection.start();
    await waitUntil(() => failures().length === 2);
    expect(connection.connected).toBe(false);
    slack.clearFailures();
    await started;
    expect(connection.connected).toBe(true);
    expect(failures().map((f) => f.reason)).toEqual(Array(2).fill(expect.stringMatching(/^apps.connections.open: .*aborted due to timeout/)));
  });

  it('closes a link on which Slack never says hello, and opens another', async () => {
    socket.silent = true;
    const started = connection.start();
    await waitUntil(() => failures().length === 1);
    expect(failures()[0]!.reason).toBe('no hello from Slack within 0.6 s');
    socket.silent = false;
    await started;
    expect(connection.connected).toBe(true);
    expect(socket.unanswered.every((s) => s.readyState === s.CLOSED)).toBe(true);
  });

  it('pauses, doubling, between links Slack closes right after hello (too_many_websockets), and says so', async () => {
    await connection.start();
    socket.disconnectAfterHello = 'too_many_websockets';
    socket.askToReconnect('refresh_requested');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    // After the refresh a new link at once, as always; then each ends right after hello: 1 s, then 2 s apart.
    expect(slack.callsOf('apps.connections.open')).toHaveLength(1 + 2);
    const pauses = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'Socket Mode closed again right after it connected; reconnecting after a pause');
    expect(pauses.map((l) => [l.reason, l.reconnectInMs])).toEqual([
      ['Slack asked (disconnect: too_many_websockets)', 1_000],
      ['Slack asked (disconnect: too_many_websockets)', 2_000],
    ]);
    socket.disconnectAfterHello = undefined;
    await socket.waitForLinks(4, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(connection.connected).toBe(true);
  });

  it('opens no link once stopped, even when apps.connections.open answers after stop()', async () => {
    await connection.start();
    slack.slow('apps.connections.open', 150); // within the test's 300 ms deadline
    socket.drop();
    await slack.waitFor(() => (slack.callsOf('apps.connections.open').length === 2 ? true : undefined), 'the reconnection');
    await connection.stop();
    // The late link is let go (its close handshake waits 1 s for Slack, which does not end the connection).
    await waitUntil(() => socket.links.length === 2 && socket.current === undefined, 5_000);
    expect(connection.connected).toBe(false);
  });

  it("waits out Slack's Retry-After on a rate-limited apps.connections.open", async () => {
    slack.rateLimit('apps.connections.open', 1, 1);
    await connection.start();
    expect(failures().map((f) => [f.reason, f.retryInMs])).toEqual([['apps.connections.open: ratelimited', 1_000]]);
  });
});

describe('the bot process in Socket Mode', () => {
  let slack: FakeSlack;
  let socket: FakeSocketMode;
  let dataDir: string;
  let bot: BotProcess | undefined;
  beforeEach(async () => {
    slack = await FakeSlack.start();
    socket = await FakeSocketMode.start(slack);
    dataDir = await mkdtemp(join(tmpdir(), 'switchover-socket-process-'));
  });
  afterEach(async () => {
    bot?.child.kill('SIGKILL');
    await socket.stop();
    await slack.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  const startBot = async (env: Record<string, string> = {}) => {
    bot = runBot({
      SLACK_BOT_TOKEN: 'xoxb-process-token',
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: slack.apiUrl,
      SWITCHOVER_SIMULATE: 'true',
      SWITCHOVER_DATA_DIR: dataDir,
      ...env,
    });
    await bot.waitForOutput('switchover-bot is connected to Slack in Socket Mode');
    return bot;
  };

  it('stops cleanly on SIGTERM: the link closed, the lock given back, exit code 0', async () => {
    const bot = await startBot();
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    await waitUntil(() => socket.links[0]!.closedAt !== undefined);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    expect(bot.stdout()).toContain('Socket Mode disconnected (stopping)');
  });

  it('passes the container HEALTHCHECK while connected; a token revoked while running ends it with one line, journal and lock closed', async () => {
    const healthPort = String(await freePort());
    const bot = await startBot({ SWITCHOVER_HEALTH_PORT: healthPort });
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);
    expect(await runHealthcheck({ SLACK_APP_TOKEN: APP_TOKEN, SWITCHOVER_HEALTH_PORT: healthPort })).toBe(0);

    slack.fail('apps.connections.open', 'token_revoked');
    socket.drop();
    expect(await bot.exited).toEqual({ code: 1, signal: null });
    const lines = bot.stdout().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const fatal = lines.filter((l) => l.level === 'fatal');
    expect(fatal).toEqual([
      expect.objectContaining({ msg: 'Slack refused SLACK_APP_TOKEN (apps.connections.open: token_revoked): the token was revoked; create a new app-level token.' }),
    ]);
    expect(fatal[0]).not.toHaveProperty('err');
    expect(lines.at(-1)).toMatchObject({ msg: 'switchover-bot stopped' });
    // No unhandled rejection, no stack trace (Node 20 prints the AWS SDK's notice about Node 22 there).
    expect(bot.stderr()).not.toMatch(/Unhandled|Error|\n\s+at /);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false); // given back for the next start
    expect(bot.stdout()).not.toContain(APP_TOKEN);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
