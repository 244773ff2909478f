// Child process of the bench: the in-process chart renderer as the bot runs it (compiled), drawing each chart
// kind (prep, status, guardrail alert) several times. Prints JSON: the median draw time per kind and the
// process's RSS before the renderer was loaded and after the draws, so the bench can say what it adds to the bot.
import { InProcessChartRenderer } from '../src/adapters/charts/in-process';
import { benchChartSpecs } from './chart-specs';

const DRAWS = 5;

async function main(): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const renderer = new InProcessChartRenderer();
  const ms: Record<string, number> = {};
  for (const [kind, spec] of Object.entries(benchChartSpecs())) {
    const times: number[] = [];
    for (let i = 0; i < DRAWS; i++) {
      const t0 = performance.now();
      await renderer.render(spec);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    ms[kind] = times[Math.floor(times.length / 2)]!;
  }
  const mb = (bytes: number) => bytes / 1024 / 1024;
  process.stdout.write(JSON.stringify({ ms, draws: DRAWS, rssBeforeMb: mb(rssBefore), rssAfterMb: mb(process.memoryUsage().rss) }));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
