// The drawing worker's task (a piscina worker thread): one chart in, its PNG out. Drawing is some 80-250 ms of
// synchronous CPU; here it never holds the bot's event loop, so acknowledgements and timers run meanwhile.
import type { ChartSpec } from '../../core/ports';
import { drawChart } from './draw';

export interface DrawTask {
  spec: ChartSpec;
  devicePixelRatio: number;
}

export default function draw(task: DrawTask): Uint8Array {
  return drawChart(task.spec, task.devicePixelRatio);
}
