// The app under test for the process-level figures (acknowledgement latency, memory): the real app in HTTP mode
// on the simulated stack with L ms of latency per AWS call, in its own process, so the load generator and the
// fake Slack (in the parent) cost it nothing. Talks to the parent over IPC: `ready` once listening, and the
// resident memory (after a full GC) when asked. Logs go to stdout as in production; the parent drains them.
//
// Environment: the app's own (SLACK_*, SWITCHOVER_*, QUICKCHART_URL, LOG_LEVEL) plus BENCH_LATENCY_MS.

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
  const { createSimulatedAws } = await import('../src/adapters/sim');
  const { SystemClock } = await import('../src/adapters/clock');
  const imported = performance.now();

  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel, secrets: [config.slack.signingSecret] });
  const clock = new SystemClock();
  const simulation = createSimulatedAws({ clock, maxAttempts: config.aws.maxAttempts });
  simulation.stack.faults['*'] = { latencyMs: Number(process.env.BENCH_LATENCY_MS ?? '100') };
  const deps = buildDeps(config, logger, { clock, simulation });
  const bot = createApp(config, deps, { port: 0 });
  await startBackground(deps.background, logger);
  const { port } = await bot.start();
  const listening = performance.now();

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
      send({ type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external, arrayBuffers: usage.arrayBuffers, gc: gc !== undefined, status });
    } else if (ask.type === 'stop') {
      void bot
        .stop()
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
