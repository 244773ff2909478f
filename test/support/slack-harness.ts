// End-to-end harness: the real app in HTTP mode on an ephemeral port, pointed at a FakeSlack, and
// helpers that send slash commands, button clicks and view submissions signed exactly as Slack does.
// Later tests pass deps overrides (simulated AWS, ManualClock) and env overrides.
import { startBackground, stopBackground } from '../../src/background';
import type { SimulatedAws } from '../../src/adapters/sim';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { webApi } from '@slack/bolt';
import { createApp, type AppDeps, type SwitchoverApp } from '../../src/app';
import { buildDeps } from '../../src/composition';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { messageViolations } from './block-kit-rules';
import { FakeChartServer } from './fake-chart-server';
import { FakeSlack, TEAM_ID, type RecordedResponse } from './fake-slack';
import { signedHeaders } from './slack-signature';

export const SIGNING_SECRET = 'harness-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-harness-bot-token';
export const CHANNEL = 'C0SWITCH';
export const OPERATOR = 'U0ALICE';
export const APP_ID = 'A0SWITCHOVER';
/** The deprecated verification token Slack still sends in every payload. */
export const VERIFICATION_TOKEN = 'harness-verification-token';

export type Env = Record<string, string | undefined>;
export type DepsOverrides = Partial<AppDeps> | ((base: AppDeps) => Partial<AppDeps>);

export interface Signing {
  /** Send no signature headers at all. */
  omit?: boolean;
  /** Sign with another secret (a forged request). */
  secret?: string;
  /** Request timestamp, seconds (default now). */
  timestampSec?: number;
  /** Extra headers, e.g. Slack's retry headers (`x-slack-retry-num`). */
  headers?: Record<string, string>;
}

export interface Who {
  user?: string;
  userName?: string;
  channel?: string;
  channelName?: string;
  signing?: Signing;
}

export interface SentRequest {
  status: number;
  /** Parsed JSON when the app answered JSON, the raw text otherwise ('' for an empty ack). */
  body: unknown;
  /** The response_url given to the app with this request. */
  responseUrl: string;
}

export interface Harness {
  fake: FakeSlack;
  /** The fake chart renderer QUICKCHART_URL points at (unless the test set its own). */
  charts: FakeChartServer;
  config: Config;
  deps: AppDeps;
  bot: SwitchoverApp;
  /** Base URL of the app, e.g. http://127.0.0.1:53211 */
  url: string;
  /** Every log line the app wrote so far, parsed. */
  logs(): Record<string, unknown>[];
  /** Every log line as written, for "never logged" assertions. */
  rawLogs(): string;
  slash(text: string, who?: Who): Promise<SentRequest>;
  /** A slash command signed as Slack signs it, not sent (for a load generator or a script that sends it itself). */
  signedSlash(text: string, who?: Who): SignedRequest;
  click(actionId: string, value: string, who?: Who & { messageTs?: string; blockId?: string }): Promise<SentRequest>;
  submitView(
    callbackId: string,
    privateMetadata: string,
    user?: string,
    values?: Record<string, Record<string, unknown>>,
    signing?: Signing,
  ): Promise<SentRequest>;
  /** POSTs any body to /slack/events with the given headers (for signature tests). */
  post(rawBody: string, headers: Record<string, string>): Promise<{ status: number; text: string }>;
  /** The response_url posts made for one request. */
  responsesTo(request: SentRequest): RecordedResponse[];
  /** Resolves with the first response_url post for the request (ephemeral answers after an empty ack). */
  responseTo(request: SentRequest): Promise<RecordedResponse>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /**
   * Web API client options for the app and the deps. By default retries are off and a 429 rejects at once
   * (WebAPIRateLimitedError) instead of waiting out Retry-After, so rate-limit tests run in milliseconds.
   */
  slackClientOptions?: webApi.WebClientOptions;
  /** Reuse a data directory (a restart test); the harness then leaves it in place on stop. */
  dataDir?: string;
  /** Reuse a simulated stack (a restart test, where AWS keeps its state across the bot's restart). */
  simulation?: SimulatedAws;
  /** Reuse a fake Slack (a restart test, where earlier messages stay); the harness then leaves it running. */
  fake?: FakeSlack;
}

/** The bot's settings against the fake Slack and chart renderer, on the simulated stack, with its journal in `dataDir`. */
export function botEnv(fake: FakeSlack, charts: FakeChartServer, dataDir: string): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    SWITCHOVER_SIMULATE: 'true',
    SWITCHOVER_DATA_DIR: dataDir,
    QUICKCHART_URL: charts.url,
  };
}

export async function startHarness(
  envOverrides: Env = {},
  depsOverrides: DepsOverrides = {},
  options: HarnessOptions = {},
): Promise<Harness> {
  const fake = options.fake ?? (await FakeSlack.start());
  // No test reaches the public QuickChart: charts go to a fake renderer on 127.0.0.1 unless the test says otherwise.
  const charts = new FakeChartServer();
  await charts.start();
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'switchover-harness-')));
  const cleanUp = async () => {
    await charts.down();
    if (!options.fake) await fake.stop();
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  // Only what the test says: a developer's own environment (AWS_REGION, tokens) never leaks in.
  const env: Env = { ...botEnv(fake, charts, dataDir), LOG_LEVEL: 'debug', ...envOverrides };
  const config = loadConfig(env as NodeJS.ProcessEnv);
  if (config.slack.mode !== 'http') throw new Error('the harness runs the app in HTTP mode; drop SLACK_APP_TOKEN');

  const lines: string[] = [];
  const logger = createLogger({
    level: config.logLevel,
    secrets: [config.slack.signingSecret],
    destination: { write: (line: string) => void lines.push(line) },
  });
  const noRetries: webApi.WebClientOptions = {
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    ...options.slackClientOptions,
  };
  const clock = typeof depsOverrides === 'function' ? undefined : depsOverrides.clock;
  const base = buildDeps(config, logger, { clock, slackClientOptions: noRetries, simulation: options.simulation });
  const deps: AppDeps = { ...base, ...(typeof depsOverrides === 'function' ? depsOverrides(base) : depsOverrides) };
  const bot = createApp(config, deps, { clientOptions: noRetries, port: 0 });
  let port: number | undefined;
  try {
    await startBackground(deps.background, logger);
    ({ port } = await bot.start());
  } catch (error) {
    await stopBackground(deps.background, logger);
    await cleanUp();
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  const secret = config.slack.signingSecret ?? SIGNING_SECRET;
  const sender = slackSender(url, secret, fake);

  return {
    fake,
    charts,
    config,
    deps,
    bot,
    url,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    rawLogs: () => lines.join(''),
    ...sender,
    async stop() {
      await bot.stop();
      await stopBackground(deps.background, logger);
      await cleanUp();
      // Whatever real Slack would have refused (Block Kit rules, required arguments) fails the test.
      if (fake.violations.length > 0) {
        throw new Error(`the bot sent Slack what it would refuse:\n${[...new Set(fake.violations)].join('\n')}`);
      }
    },
  };
}

export interface SignedRequest {
  rawBody: string;
  /** Content type and Slack's signature headers. */
  headers: Record<string, string>;
  responseUrl: string;
}

export type SlackSender = Pick<Harness, 'post' | 'slash' | 'signedSlash' | 'click' | 'submitView' | 'responsesTo' | 'responseTo'>;

/**
 * Signed slash commands, clicks and view submissions to an app listening at `url` (this process or another,
 * e.g. the benchmark's), with response_urls on `fake`. startHarness uses it for its own app.
 */
export function slackSender(url: string, secret: string, fake: FakeSlack): SlackSender {
  const post = async (rawBody: string, headers: Record<string, string>) => {
    const response = await fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: rawBody,
    });
    return { status: response.status, text: await response.text() };
  };

  const send = async (rawBody: string, signing: Signing = {}, responseUrl: string): Promise<SentRequest> => {
    const headers = {
      ...(signing.omit ? {} : signedHeaders(signing.secret ?? secret, rawBody, signing.timestampSec)),
      ...signing.headers,
    };
    const { status, text } = await post(rawBody, headers);
    return { status, body: parseMaybeJson(text), responseUrl };
  };

  const signedSlash = (text: string, who: Who = {}): SignedRequest => {
    const responseUrl = fake.newResponseUrl();
    const rawBody = new URLSearchParams(slashCommandFields(text, who, responseUrl)).toString();
    const signing = who.signing ?? {};
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signing.omit ? {} : signedHeaders(signing.secret ?? secret, rawBody, signing.timestampSec)),
      ...signing.headers,
    };
    return { rawBody, headers, responseUrl };
  };

  return {
    post,
    signedSlash,
    async slash(text, who = {}) {
      const { rawBody, headers, responseUrl } = signedSlash(text, who);
      const { status, text: answer } = await post(rawBody, headers);
      const body = parseMaybeJson(answer);
      // A message in the acknowledgement is held to the same rules as any other message Slack shows.
      if (body && typeof body === 'object') {
        const { text: ackText, blocks } = body as { text?: unknown; blocks?: unknown };
        fake.violations.push(...messageViolations({ text: ackText, blocks }).map((p) => `slash command acknowledgement: ${p}`));
      }
      return { status, body, responseUrl };
    },
    async click(actionId, value, who = {}) {
      const responseUrl = fake.newResponseUrl();
      const messageTs = who.messageTs ?? '1767268800.000100';
      const posted = fake.messages.find((m) => m.channel === (who.channel ?? CHANNEL) && m.ts === messageTs);
      const payload = blockActionsPayload(actionId, value, { ...who, messageTs }, responseUrl, posted);
      return send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), who.signing, responseUrl);
    },
    async submitView(callbackId, privateMetadata, user = OPERATOR, values = {}, signing = {}) {
      const payload = viewSubmissionPayload(callbackId, privateMetadata, user, values);
      return send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), signing, '');
    },
    responsesTo(request) {
      const path = new URL(request.responseUrl).pathname;
      return fake.responses.filter((r) => r.path === path);
    },
    responseTo(request) {
      const path = new URL(request.responseUrl).pathname;
      return fake.waitForResponse((r) => r.path === path);
    },
  };
}

/** A slash command's fields as Slack sends them (form fields over HTTP, a JSON object in Socket Mode). */
export function slashCommandFields(text: string, who: Who, responseUrl: string): Record<string, string> {
  const user = who.user ?? OPERATOR;
  return {
    token: VERIFICATION_TOKEN,
    team_id: TEAM_ID,
    team_domain: 'example',
    channel_id: who.channel ?? CHANNEL,
    channel_name: who.channelName ?? 'switchover',
    user_id: user,
    user_name: who.userName ?? user.toLowerCase(),
    command: '/switchover',
    text,
    api_app_id: APP_ID,
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: triggerId(),
  };
}

/** A button click's `block_actions` payload, on the message `posted` when the fake Slack has it. */
export function blockActionsPayload(
  actionId: string,
  value: string,
  who: Who & { messageTs?: string; blockId?: string },
  responseUrl: string,
  posted?: { text?: string; blocks?: unknown[] },
): Record<string, unknown> {
  const user = who.user ?? OPERATOR;
  const channel = who.channel ?? CHANNEL;
  const messageTs = who.messageTs ?? '1767268800.000100';
  return {
    type: 'block_actions',
    user: { id: user, username: who.userName ?? user.toLowerCase(), name: who.userName ?? user.toLowerCase(), team_id: TEAM_ID },
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    container: { type: 'message', message_ts: messageTs, channel_id: channel, is_ephemeral: false },
    trigger_id: triggerId(),
    team: { id: TEAM_ID, domain: 'example' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: who.channelName ?? 'switchover' },
    message: { type: 'message', subtype: 'bot_message', ts: messageTs, text: posted?.text ?? '', blocks: posted?.blocks ?? [] },
    state: { values: {} },
    response_url: responseUrl,
    actions: [
      {
        action_id: actionId,
        block_id: who.blockId ?? 'actions',
        text: { type: 'plain_text', text: actionId, emoji: true },
        value,
        type: 'button',
        action_ts: `${Math.floor(Date.now() / 1000)}.000200`,
      },
    ],
  };
}

/** A modal's `view_submission` payload. */
export function viewSubmissionPayload(
  callbackId: string,
  privateMetadata: string,
  user = OPERATOR,
  values: Record<string, Record<string, unknown>> = {},
): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: { id: TEAM_ID, domain: 'example' },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: TEAM_ID },
    api_app_id: APP_ID,
    token: VERIFICATION_TOKEN,
    trigger_id: triggerId(),
    view: {
      id: 'V0VIEW0001',
      team_id: TEAM_ID,
      type: 'modal',
      blocks: [],
      private_metadata: privateMetadata,
      callback_id: callbackId,
      state: { values },
      hash: '1767268800.abcdef',
      title: { type: 'plain_text', text: 'Switchover', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: { type: 'plain_text', text: 'Submit', emoji: true },
      previous_view_id: null,
      root_view_id: 'V0VIEW0001',
      app_id: APP_ID,
      external_id: '',
      app_installed_team_id: TEAM_ID,
      bot_id: 'B0SWITCHBOT',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

let triggerCounter = 0;
function triggerId(): string {
  return `${++triggerCounter}.1767268800.abcdef0123456789`;
}

function parseMaybeJson(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
