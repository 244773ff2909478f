// The app under test for the process-level figures (acknowledgement latency, memory): the real app in HTTP mode,
// built as production builds it (real SDK clients, AWS_ENDPOINT_URL pointing at the simulated AWS in its own
// process), so neither the load generator, the fake Slack (in the parent) nor AWS's share costs it anything.
// Talks to the parent over IPC: `ready` once listening, and when asked, the resident memory (after a full GC),
// or to draw charts with the in-process renderer (to measure its memory in the bot).
// Logs go to stdout as in production.
//
// Environment: the app's own (SLACK_*, SWITCHOVER_*, QUICKCHART_URL, LOG_LEVEL, AWS_*), and for investigating:
// - BENCH_DEBUG=<dir>: at each memory reading, writes there the V8 heap statistics, /proc/self/smaps, and a
//   trace of connections accepted, requests read and answered, and event-loop stalls over 10 ms.
// - BENCH_ALLOC_PROF=<file>: samples every allocation (collected ones included); written when the app stops,
//   for Chrome DevTools' memory panel or a script.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

const SETTLE_AFTER_GC_MS = 500;

interface Ask {
  type: 'memory' | 'charts' | 'stop';
}

/** Each chart kind is drawn this many times when asked to draw (the bot's own renderer is the fake QuickChart). */
const CHART_DRAWS = 10;

/** Timestamped lines of what the HTTP server and the event loop did. */
function traceServer(server: Server): string[] {
  const trace: string[] = [];
  const t0 = performance.now();
  const at = () => (performance.now() - t0).toFixed(1);
  let connections = 0;
  server.on('connection', (socket) => {
    const id = ++connections;
    trace.push(`${at()} accepted ${id}`);
    socket.once('data', () => trace.push(`${at()} first bytes on ${id}`));
  });
  server.on('request', (_request, response) => {
    trace.push(`${at()} request`);
    response.on('finish', () => trace.push(`${at()} answered`));
  });
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last > 15) trace.push(`${at()} event loop stalled ${(now - last - 5).toFixed(0)} ms`);
    last = now;
  }, 5).unref();
  return trace;
}

/** Starts sampling allocations; the returned function writes the profile. */
async function sampleAllocations(file: string): Promise<() => Promise<void>> {
  const session = new Session();
  session.connect();
  const post = <T = unknown>(method: string, params: object = {}) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));
  await post('HeapProfiler.enable');
  await post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return async () => {
    const { profile } = await post<{ profile: unknown }>('HeapProfiler.stopSampling');
    writeFileSync(file, JSON.stringify(profile));
  };
}

async function main(): Promise<void> {
  const { loadConfig } = await import('../src/config');
  const { createLogger } = await import('../src/logger');
  const { buildDeps } = await import('../src/composition');
  const { createApp } = await import('../src/app');
  const { startBackground, stopBackground } = await import('../src/background');

  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel, secrets: [config.slack.signingSecret] });
  const deps = buildDeps(config, logger);
  const bot = createApp(config, deps, { port: 0 });
  await startBackground(deps.background, logger);
  const { port } = await bot.start();

  const debugDir = process.env.BENCH_DEBUG;
  const trace = debugDir ? traceServer((bot.app as unknown as { receiver: { server: Server } }).receiver.server) : [];
  const writeAllocations = process.env.BENCH_ALLOC_PROF ? await sampleAllocations(process.env.BENCH_ALLOC_PROF) : undefined;
  const send = (message: unknown) => process.send?.(message);
  send({ type: 'ready', port });

  let readings = 0;
  process.on('message', async (ask: Ask) => {
    if (ask.type === 'memory') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      // V8 hands the pages a collection freed to a background thread to unmap: read right after gc(), RSS
      // still counts them (measured here: 172 MB at once, 107 MB a tenth of a second later). Read it settled.
      await setTimeout(SETTLE_AFTER_GC_MS);
      const usage = process.memoryUsage();
      if (debugDir) {
        const n = ++readings;
        writeFileSync(join(debugDir, `trace-${n}.txt`), trace.splice(0).join('\n'));
        writeFileSync(join(debugDir, `smaps-${n}.txt`), readFileSync('/proc/self/smaps', 'utf8'));
        const spaces = getHeapSpaceStatistics().map((s) => ({ space: s.space_name, sizeMB: s.space_size / 2 ** 20, physicalMB: s.physical_space_size / 2 ** 20 }));
        appendFileSync(join(debugDir, 'v8.jsonl'), `${JSON.stringify({ reading: n, heap: getHeapStatistics(), spaces })}\n`);
      }
      send({ type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed, gc: gc !== undefined });
    } else if (ask.type === 'charts') {
      // The in-process renderer, loaded as createChartRenderer loads it when QUICKCHART_URL is empty, drawing in
      // this bot after its commands: the next memory reading is the bot's RSS with the renderer, measured.
      const { InProcessChartRenderer } = await import('../src/adapters/charts/in-process');
      const { benchChartSpecs } = await import('./chart-specs');
      const renderer = new InProcessChartRenderer();
      const specs = Object.values(benchChartSpecs());
      for (let i = 0; i < CHART_DRAWS; i++) for (const spec of specs) await renderer.render(spec);
      send({ type: 'charts', drawn: CHART_DRAWS * specs.length });
    } else if (ask.type === 'stop') {
      void (writeAllocations?.() ?? Promise.resolve())
        .then(() => bot.stop())
        .then(() => stopBackground(deps.background, logger))
        .finally(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`bench app process failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
