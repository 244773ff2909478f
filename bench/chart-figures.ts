// The in-process chart renderer's draw time per chart kind, measured in a fresh compiled process
// (bench/chart-process.ts) so the bench's own work does not count.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ChartFigures {
  /** Median draw time per chart kind (prep, status, alert). */
  ms: Record<string, number>;
  draws: number;
}

export async function measureCharts(chartProcess: string, say: (line: string) => void): Promise<ChartFigures> {
  say('charts: drawing prep, status and alert pictures in a fresh process');
  const { stdout } = await run(process.execPath, [chartProcess], { timeout: 60_000, env: { PATH: process.env.PATH ?? '' } });
  return JSON.parse(stdout) as ChartFigures;
}
