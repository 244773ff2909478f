// The app under test for the process-level figures (acknowledgement latency, memory): the real app in HTTP mode,
// built as production builds it (real SDK clients, AWS_ENDPOINT_URL pointing at the simulated AWS in its own
// process), so neither the load generator, the fake Slack (in the parent) nor AWS's share costs it anything.
// Talks to the parent over IPC: `ready` once listening, and the resident memory (after a full GC) when asked.
// Logs go to stdout as in production.
//
// Environment: the app's own (SLACK_*, SWITCHOVER_*, QUICKCHART_URL, LOG_LEVEL, AWS_*).

interface Ask {
  type: 'memory' | 'stop';
}

async function main(): Promise<void> {
  const started = performance.now();
  const { loadConfig } = await import('../src/config');
  const { createLogger } = await import('../src/logger');
  const { buildDeps } = await import('../src/composition');
  const { createApp } = await import('../src/app');
  const { startBackground, stopBackground } = await import('../src/background');
  const imported = performance.now();

  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel, secrets: [config.slack.signingSecret] });
  const deps = buildDeps(config, logger);
  const bot = createApp(config, deps, { port: 0 });
  await startBackground(deps.background, logger);
  const { port } = await bot.start();
  const listening = performance.now();

  // BENCH_ALLOC_PROF=<file>: every allocation sampled (collected ones included), written at stop.
  let allocStop: (() => Promise<void>) | undefined;
  if (process.env.BENCH_ALLOC_PROF) {
    const inspector = await import('node:inspector');
    const session = new inspector.Session();
    session.connect();
    const post = (method: string, params?: object) => new Promise<any>((res, rej) => session.post(method, params ?? {}, (e: unknown, r: unknown) => (e ? rej(e) : res(r))));
    await post('HeapProfiler.enable');
    await post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    allocStop = async () => {
      const { profile } = await post('HeapProfiler.stopSampling');
      require('node:fs').writeFileSync(process.env.BENCH_ALLOC_PROF!, JSON.stringify(profile));
    };
  }
  const trace: string[] = [];
  if (process.env.BENCH_DEBUG) {
    const server = (bot.app as unknown as { receiver: { server: import('node:http').Server } }).receiver.server;
    const t0 = performance.now();
    const at = () => (performance.now() - t0).toFixed(1);
    let n = 0;
    server.on('connection', (sock) => { const id = ++n; trace.push(`${at()} conn ${id}`); sock.once('data', () => trace.push(`${at()} data ${id}`)); });
    server.on('request', (_req, res) => { trace.push(`${at()} req`); res.on('finish', () => trace.push(`${at()} fin`)); });
    let last = performance.now();
    setInterval(() => { const now = performance.now(); if (now - last > 15) trace.push(`${at()} loop-lag ${(now - last - 5).toFixed(0)}`); last = now; }, 5).unref();
  }
  const send = (message: unknown) => process.send?.(message);
  send({ type: 'ready', port, importMs: imported - started, buildToListenMs: listening - imported });
  void started;

  process.on('message', (ask: Ask) => {
    if (ask.type === 'memory') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      gc?.();
      const usage = process.memoryUsage();
      const status = process.env.BENCH_DEBUG ? require('node:fs').readFileSync('/proc/self/status', 'utf8').split('\n').filter((l: string) => /^(Rss|VmHWM|Threads)/.test(l)).join('; ') : undefined;
      if (process.env.BENCH_DEBUG) require('node:fs').writeFileSync('/tmp/bench-trace.txt', trace.join('\n'));
      if (process.env.BENCH_DEBUG) require('node:fs').appendFileSync('/tmp/bench-v8.txt', `v8 ${JSON.stringify(require('node:v8').getHeapStatistics())}\n${JSON.stringify(require('node:v8').getHeapSpaceStatistics().map((s: { space_name: string; space_size: number; physical_space_size: number }) => [s.space_name, s.space_size >> 20, s.physical_space_size >> 20]))}\n`);
      if (process.env.BENCH_DEBUG) require('node:fs').writeFileSync(`/tmp/bench-smaps-${Date.now()}`, require('node:fs').readFileSync('/proc/self/smaps', 'utf8'));
      send({ type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers, gc: gc !== undefined, status });
    } else if (ask.type === 'stop') {
      void (allocStop?.() ?? Promise.resolve())
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
