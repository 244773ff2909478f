// Which renderer draws the charts: in this process unless QUICKCHART_URL names a QuickChart server.
import type { ChartRenderer } from '../../core/ports';
import { InProcessChartRenderer } from './in-process';
import { QuickChartRenderer } from './quickchart';

export function createChartRenderer(quickchartUrl: string | undefined): ChartRenderer {
  return quickchartUrl ? new QuickChartRenderer(quickchartUrl) : new InProcessChartRenderer();
}
