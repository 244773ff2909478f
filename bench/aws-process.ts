// The simulated AWS of the process-level figures, in its own process as AWS is in production: the bot under
// test reaches it through AWS_ENDPOINT_URL, so the stack's own work (encoding answers, modelling traffic)
// costs the bot neither CPU nor memory. Every call answers after BENCH_LATENCY_MS (L).
import { SystemClock } from '../src/adapters/clock';
import { SimStack, serveSimulatedAws } from '../src/adapters/sim';

async function main(): Promise<void> {
  const stack = new SimStack({ clock: new SystemClock() });
  stack.faults['*'] = { latencyMs: Number(process.env.BENCH_LATENCY_MS ?? '100') };
  const server = await serveSimulatedAws(stack);
  process.send?.({ type: 'ready', url: server.url, region: stack.region });
  process.on('disconnect', () => {
    void server.close().finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench AWS process failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
