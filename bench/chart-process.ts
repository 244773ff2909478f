// Child process of the bench: the in-process chart renderer as the bot runs it (compiled), drawing each chart
// kind (prep, status, guardrail alert) several times. Prints JSON: the median draw time per kind, the picture
// handed to the drawing worker and back. (What the renderer costs in memory is measured in the bot itself:
// app-process.ts.)
import { InProcessChartRenderer } from '../src/adapters/charts/in-process';
import { benchChartSpecs } from './chart-specs';

const DRAWS = 5;

async function main(): Promise<void> {
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
  await renderer.close();
  process.stdout.write(JSON.stringify({ ms, draws: DRAWS }));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
