// Which renderer draws the charts: in this process unless QUICKCHART_URL names a QuickChart server.
import type { ChartRenderer } from '../../core/ports';
import type * as InProcess from './in-process';
import { QuickChartRenderer } from './quickchart';

/** The renderer; `close` stops the in-process one's worker thread at shutdown. */
export function createChartRenderer(quickchartUrl: string | undefined): ChartRenderer & { close?(): Promise<void> } {
  if (quickchartUrl) return new QuickChartRenderer(quickchartUrl);
  // Loaded only when it draws: Chart.js, its annotation plugin and the canvas add about 22 MB to the process,
  // which a bot that sends its charts to QuickChart should not carry.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { InProcessChartRenderer } = require('./in-process') as typeof InProcess;
  return new InProcessChartRenderer();
}
