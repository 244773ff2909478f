// `npm run bench:socket`: how long the bot is without a Socket Mode link when Slack asks it to reconnect
// (`disconnect`, refresh_requested) and when the link drops, measured at a fake Socket Mode server on 127.0.0.1:
// from the disconnect message (or the drop) to the new link's hello. The same for the Socket Mode client's own
// reconnection policy (what the bot used before), for comparison. Prints figures; asserts nothing.
process.env.AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING ??= 'true';

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SocketModeReceiver } from '@slack/bolt';
import { createApp } from '../src/app';
import { startBackground, stopBackground } from '../src/background';
import { buildDeps } from '../src/composition';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { boltLogger } from '../src/slack/bolt-logger';
import { FakeChartServer } from '../test/support/fake-chart-server';
import { FakeSlack } from '../test/support/fake-slack';
import { FakeSocketMode, type Link } from '../test/support/fake-socket-mode';
import { botEnv, slashCommandFields } from '../test/support/slack-harness';
import { median } from './stats';

const APP_TOKEN = 'xapp-1-A0BENCH-token';
const ROUNDS = 20;
const SDK_ROUNDS = 3;

type Fault = 'refresh' | 'drop';

/** Makes the current link one in use (the bot pauses before replacing a link that ended unused right after hello). */
type BeforeFault = () => Promise<unknown>;

/** One fault on the current link; resolves with the ms from the fault to the next link's hello. */
async function gapAfter(socket: FakeSocketMode, fault: Fault, beforeFault?: BeforeFault): Promise<number> {
  await beforeFault?.();
  const links = socket.links.length;
  const at = Date.now();
  if (fault === 'refresh') socket.askToReconnect('refresh_requested');
  else socket.drop();
  const next: Link = await socket.waitForLinks(links + 1, 60_000);
  return next.helloAt - at;
}

async function measure(socket: FakeSocketMode, rounds: number, beforeFault?: BeforeFault): Promise<Record<Fault, number[]>> {
  const gaps: Record<Fault, number[]> = { refresh: [], drop: [] };
  for (let i = 0; i < rounds; i += 1) {
    for (const fault of ['refresh', 'drop'] as const) gaps[fault].push(await gapAfter(socket, fault, beforeFault));
  }
  return gaps;
}

async function main(): Promise<void> {
  const slack = await FakeSlack.start();
  const socket = await FakeSocketMode.start(slack);
  const charts = new FakeChartServer();
  await charts.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'switchover-bench-socket-'));
  const config = loadConfig({ ...botEnv(slack, charts, dataDir), SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: APP_TOKEN, LOG_LEVEL: 'silent' });
  const logger = createLogger({ level: process.env.BENCH_LOG ?? 'silent' });
  const deps = buildDeps(config, logger);
  const bot = createApp(config, deps);
  await startBackground(deps.background, logger);
  await bot.start();
  // Each link carries a command before its fault, as a link in use does.
  const ours = await measure(socket, ROUNDS, () => socket.deliver('slash_commands', slashCommandFields('help', {}, slack.newResponseUrl()), true));
  await bot.stop();
  await stopBackground(deps.background, logger);

  // The client's own policy: automatic reconnection after its ping timeout (5 s by default), once the old
  // connection has ended (after a disconnect message, only when its pong watchdog gives up: 5 s more).
  process.stderr.write(`  the Socket Mode client's own policy: ${SDK_ROUNDS} rounds of 5 to 12 s each\n`);
  const sdk = new SocketModeReceiver({ appToken: APP_TOKEN, logger: boltLogger(logger), installerOptions: { clientOptions: { slackApiUrl: slack.apiUrl } } });
  await sdk.client.start();
  const theirs = await measure(socket, SDK_ROUNDS);
  // Let the client take the last hello first: disconnect() racing its own reconnection is an unhandled rejection.
  await new Promise((resolve) => setTimeout(resolve, 500));
  await sdk.client.disconnect();

  const row = (what: string, gaps: number[]) => `| ${what} | ${gaps.length} | ${median(gaps).toFixed(0)} | ${Math.max(...gaps).toFixed(0)} |`;
  process.stdout.write(
    [
      '',
      'Socket Mode: ms without a link, from the fault to the new link\'s hello (fake Slack on 127.0.0.1)',
      '| policy, fault | rounds | median ms | max ms |',
      '| --- | --- | --- | --- |',
      row('bot, disconnect (refresh_requested)', ours.refresh),
      row('bot, dropped link', ours.drop),
      row('client default, disconnect (refresh_requested)', theirs.refresh),
      row('client default, dropped link', theirs.drop),
      '',
    ].join('\n'),
  );
  await socket.stop();
  await slack.stop();
  await charts.down();
  await rm(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:socket failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
