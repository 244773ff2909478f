// Figures measured against the app in its own process, compiled as production runs it: slash-command
// acknowledgement latency (bursts of 10 commands at once, each on a new connection, as Slack sends them),
// resident memory after many commands, and start to ready of the entry point. Four processes: this one (fake Slack, fake chart renderer), the app, the load generator, and the
// simulated AWS the app reaches through AWS_ENDPOINT_URL.
// The app runs with the Node flags of `npm start` (package.json), as production does.
// For investigating: BENCH_CPU_PROF=<dir> writes the app process's CPU profile there; BENCH_DEBUG=<dir> prints
// each acknowledgement time and has the app write its V8 heap statistics, smaps and a request trace there (see
// app-process.ts); BENCH_ALLOC_PROF=<file> samples its allocations; BENCH_NODE_FLAGS adds Node flags.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FakeChartServer } from '../test/support/fake-chart-server';
import { FakeSlack } from '../test/support/fake-slack';
import { freePort } from '../test/support/run-bot';
import { CHANNEL, SIGNING_SECRET, botEnv, slackSender, type SlackSender } from '../test/support/slack-harness';
import { startEnv, type Built } from './build';
import type { LoadDone, LoadRun } from './load-process';
import { median, percentile } from './stats';

interface AckFigures {
  p50: number;
  p99: number;
  worst: number;
  count: number;
  non200: number;
}

/** Commands Slack sends at once in the acknowledgement burst, each on a connection opened for it. */
export const ACK_BURST = 10;
/** Bursts measured: 300 acknowledgements, so the p99 is the third-worst, not one stall of a shared machine. */
const ACK_BURSTS = 30;

export interface ProcessFigures {
  /** Absent when only the memory was measured (so is the start-up). */
  ack?: AckFigures;
  /** Absent (with acksWhileDrawing) when only the acknowledgement was measured. */
  memory?: {
    rssAt1000MB: number;
    rssAt5000MB: number;
    growthPercent: number;
    gc: boolean;
    heapUsedAt5000MB: number;
    commands: number;
    seconds: number;
    /** After the 5,000 commands, the same bot with the in-process chart renderer loaded and `chartsDrawn` drawn. */
    rssWithRendererMB: number;
    chartsDrawn: number;
  };
  startup?: { medianMs: number; runsMs: number[] };
  /** `help` acknowledged one at a time, with the bot idle and while it draws pictures in-process (ms). */
  acksWhileDrawing?: { idle: { p50: number; p99: number }; drawing: { p50: number; p99: number; max: number }; commands: number; charts: number };
}

export interface ProcessFigureOptions {
  /** Which figures: all, only the memory (`npm run bench -- memory`), only the acknowledgement (`-- ack`). */
  only?: 'memory' | 'ack';
}

interface ChartsDrawn {
  type: 'charts';
  drawn: number;
}

interface Ready {
  type: 'ready';
  port: number;
}

interface AwsReady {
  type: 'ready';
  url: string;
  region: string;
}

interface Memory {
  type: 'memory';
  rss: number;
  heapUsed: number;
  gc: boolean;
}

function appEnv(fake: FakeSlack, charts: FakeChartServer, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    // What `npm start` sets before node (see package.json).
    ...startEnv(),
    ...botEnv(fake, charts, dataDir),
    LOG_LEVEL: 'info',
    // The AWS SDK's "upgrade Node" notice is not the bot's output.
    AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: 'true',
    ...extra,
  };
}

/** What operators type, mixed: usage, a typo, the stage list, a full status with charts, the audit trail. */
const MIX = ['help', 'help', 'help', 'help', 'shfit dev 10', 'status', 'help', 'status dev', 'history dev', 'prep'];

/** Messages of one type from a child, or its death, whichever comes first. */
function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type'], output: () => string, timeoutMs = 60_000): Promise<T> {
  return new Promise<T>((done, fail) => {
    const timer = setTimeout(() => finish(new Error(`no ${type} from the process within ${timeoutMs} ms; its output:\n${output()}`)), timeoutMs);
    const onMessage = (message: T) => {
      if (message.type === type) finish(undefined, message);
      else if (message.type === 'error') finish(new Error(String((message as unknown as { message: string }).message)));
    };
    const onExit = (code: number | null) => finish(new Error(`the process exited (${code}); its output:\n${output()}`));
    function finish(error?: Error, message?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) fail(error);
      else done(message!);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function captured(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail;
}

async function stopChild(child: ChildProcess, ask?: unknown): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  if (ask !== undefined && child.connected) child.send(ask as object);
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function measureProcessFigures(built: Built, latencyMs: number, say: (line: string) => void, options: ProcessFigureOptions = {}): Promise<ProcessFigures> {
  const fake = await FakeSlack.start();
  const charts = new FakeChartServer();
  await charts.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'switchover-bench-'));
  const children: ChildProcess[] = [];
  let app: ChildProcess | undefined;
  const debugDir = process.env.BENCH_DEBUG ? resolve(process.env.BENCH_DEBUG) : undefined;
  if (debugDir) await mkdir(debugDir, { recursive: true });
  try {
    const startup = options.only ? undefined : await measureStartup(built, fake, charts, dataDir, say);

    say('starting the simulated AWS (L per call), the compiled app and the load generator, each in its own process');
    const aws = fork(built.awsProcess, [], { env: { PATH: process.env.PATH ?? '', BENCH_LATENCY_MS: String(latencyMs) }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    children.push(aws);
    const awsReady = await nextMessage<AwsReady>(aws, 'ready', captured(aws));
    // Logs to a file, as a container runtime takes them: a pipe this busy process drains late would block the
    // app's synchronous log writes and measure this process instead of the bot.
    const logPath = join(dataDir, 'app.log');
    const logFd = openSync(logPath, 'a');
    const appProcess = fork(built.appProcess, [], {
      execArgv: [
        ...built.nodeFlags,
        '--expose-gc',
        ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean),
        ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF)}`] : []),
      ],
      env: appEnv(fake, charts, dataDir, {
        // Production mode: real SDK clients and their HTTP handler, with the simulated AWS as the endpoint.
        SWITCHOVER_SIMULATE: 'false',
        AWS_REGION: awsReady.region,
        AWS_ENDPOINT_URL: awsReady.url,
        AWS_ACCESS_KEY_ID: 'AKIASIMULATEDSTACK00',
        AWS_SECRET_ACCESS_KEY: 'simulated-stack-secret-not-a-real-key',
        ...(debugDir ? { BENCH_DEBUG: debugDir } : {}),
        ...(process.env.BENCH_ALLOC_PROF ? { BENCH_ALLOC_PROF: resolve(process.env.BENCH_ALLOC_PROF) } : {}),
      }),
      stdio: ['ignore', logFd, 'pipe', 'ipc'],
    });
    closeSync(logFd);
    app = appProcess;
    children.push(appProcess);
    const appErrors = captured(appProcess);
    const appOutput = () => `${appErrors()}${readFileSync(logPath, 'utf8').slice(-3000)}`;
    const load = fork(built.loadProcess, [], { execArgv: [], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    children.push(load);
    const loadOutput = captured(load);

    const ready = await nextMessage<Ready>(appProcess, 'ready', appOutput);
    const sender: SlackSender = slackSender(`http://127.0.0.1:${ready.port}`, SIGNING_SECRET, fake);
    const drive = async (commands: string[], concurrency: number, fresh = false): Promise<LoadDone> => {
      const requests = commands.map((text) => {
        const { rawBody, headers } = sender.signedSlash(text, { channel: CHANNEL });
        return { rawBody, headers };
      });
      const run: LoadRun = { type: 'run', port: ready.port, requests, concurrency, fresh };
      load.send(run);
      return nextMessage<LoadDone>(load, 'done', loadOutput, 120_000);
    };
    const memoryNow = async () => {
      appProcess.send({ type: 'memory' });
      return nextMessage<Memory>(appProcess, 'memory', appOutput);
    };
    const alternate = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? 'help' : 'status dev'));

    let ack: AckFigures | undefined;
    if (options.only !== 'memory') {
      // Warm-up: the first requests pay for lazy loading and JIT, which a running bot has long done.
      for (let burst = 0; burst < 5; burst++) {
        await drive(alternate(ACK_BURST), ACK_BURST, true);
        await settle(fake);
      }
      say(`acknowledgement: ${ACK_BURSTS} bursts of ${ACK_BURST} commands at once (status dev and help), each on a new connection`);
      const ms: number[] = [];
      let non200 = 0;
      for (let burst = 0; burst < ACK_BURSTS; burst++) {
        const done = await drive(alternate(ACK_BURST), ACK_BURST, true);
        ms.push(...done.ms);
        non200 += done.statuses.filter((s) => s !== 200).length;
        if (debugDir) say(`acknowledgement ms, burst ${burst + 1}: ${done.ms.map((v) => v.toFixed(0)).join(' ')}`);
        // The statuses' work done before the next burst: Slack's commands come a few a minute, not back to back.
        await settle(fake);
      }
      ack = { p50: percentile(ms, 50), p99: percentile(ms, 99), worst: Math.max(...ms), count: ms.length, non200 };
    }
    if (options.only === 'ack') return { ...(ack ? { ack } : {}) };

    say('memory: 5,000 mixed commands, 50 at a time');
    const memoryStart = performance.now();
    await drive(Array.from({ length: 1000 }, (_, i) => MIX[i % MIX.length]!), 50);
    await settle(fake);
    const at1000 = await memoryNow();
    await drive(Array.from({ length: 4000 }, (_, i) => MIX[i % MIX.length]!), 50);
    await settle(fake);
    const at5000 = await memoryNow();
    say('memory: the same bot drawing prep, status and alert pictures in-process');
    appProcess.send({ type: 'charts' });
    const drawn = await nextMessage<ChartsDrawn>(appProcess, 'charts', appOutput);
    const withRenderer = await memoryNow();

    // An acknowledgement that arrives while a picture is drawn on the event loop waits for the whole draw.
    say('acknowledgement of help, one at a time: the bot idle, then while it draws pictures');
    const helps = () => Array.from({ length: 60 }, () => 'help');
    const idle = await drive(helps(), 1);
    appProcess.send({ type: 'charts' });
    const drawing = nextMessage<ChartsDrawn>(appProcess, 'charts', appOutput);
    const busy = await drive(helps(), 1);
    const drawnMeanwhile = await drawing;
    const acksWhileDrawing = {
      idle: { p50: percentile(idle.ms, 50), p99: percentile(idle.ms, 99) },
      drawing: { p50: percentile(busy.ms, 50), p99: percentile(busy.ms, 99), max: Math.max(...busy.ms) },
      commands: busy.ms.length,
      charts: drawnMeanwhile.drawn,
    };
    const mb = (bytes: number) => bytes / (1024 * 1024);
    const memory = {
      rssAt1000MB: mb(at1000.rss),
      rssAt5000MB: mb(at5000.rss),
      growthPercent: ((at5000.rss - at1000.rss) / at1000.rss) * 100,
      gc: at5000.gc,
      heapUsedAt5000MB: mb(at5000.heapUsed),
      commands: 5000,
      seconds: (performance.now() - memoryStart) / 1000,
      rssWithRendererMB: mb(withRenderer.rss),
      chartsDrawn: drawn.drawn,
    };
    return { ...(ack ? { ack } : {}), memory, acksWhileDrawing, ...(startup ? { startup } : {}) };
  } finally {
    // The app first: it stops while the simulated AWS still answers.
    if (app) await stopChild(app, { type: 'stop' });
    for (const child of children) await stopChild(child);
    await charts.down();
    await fake.stop();
    if (debugDir) await copyFile(join(dataDir, 'app.log'), join(debugDir, 'app.log')).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Waits until the fake Slack has heard nothing for a moment: the work the commands started is done. */
async function settle(fake: FakeSlack, quietMs = 300, maxMs = 60_000): Promise<void> {
  const until = Date.now() + maxMs;
  let seen = -1;
  while (Date.now() < until) {
    const now = fake.calls.length + fake.responses.length + fake.uploads.length;
    if (now === seen) return;
    seen = now;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

/**
 * Start to ready as `npm start` runs the bot (compiled, SWITCHOVER_SIMULATE=true): from spawning
 * `node index.js` to /healthz answering, which it does only after the token check, the journal and the
 * watches are loaded. Five runs, the median.
 */
async function measureStartup(
  built: Built,
  fake: FakeSlack,
  charts: FakeChartServer,
  dataDir: string,
  say: (line: string) => void,
): Promise<ProcessFigures['startup']> {
  say('start to ready: starting the compiled entry point five times');
  const runsMs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const port = await freePort();
    const t0 = performance.now();
    const bot = spawn(process.execPath, [...built.nodeFlags, built.index], {
      cwd: dataDir,
      env: appEnv(fake, charts, dataDir, { PORT: String(port) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = captured(bot);
    try {
      for (;;) {
        if (bot.exitCode !== null) throw new Error(`the bot exited (${bot.exitCode}) before it was ready:\n${output()}`);
        if (performance.now() - t0 > 30_000) throw new Error(`the bot was not ready within 30 s:\n${output()}`);
        const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        await new Promise((r) => setTimeout(r, 5));
      }
      runsMs.push(performance.now() - t0);
    } finally {
      await stopChild(bot);
    }
  }
  return { medianMs: median(runsMs), runsMs };
}
