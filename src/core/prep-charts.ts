// Renders prep's charts through the ChartRenderer port. A renderer that is down never costs the summary:
// what could not be drawn comes back as a note for the text summary instead of an error.
import { prepCharts } from '../charts/prep';
import { plainMessage } from './format';
import type { PrepCompleted } from './prep';
import type { ChartRenderer, ChartSpec } from './ports';

export interface RenderedChart {
  spec: ChartSpec;
  png: Buffer;
}

export interface PrepChartsResult {
  charts: RenderedChart[];
  /** For prepSummaryMessage's chartsNote: set whenever fewer charts than wanted could be drawn. */
  note?: string;
}

export async function renderPrepCharts(renderer: ChartRenderer, outcome: PrepCompleted): Promise<PrepChartsResult> {
  if (!outcome.snapshot) return { charts: [], note: 'No charts: CloudWatch metrics were not available.' };
  const specs = prepCharts(outcome.stage, outcome.snapshot, outcome.baseline);
  if (specs.length === 0) return { charts: [], note: 'No charts: there were no datapoints in the baseline window.' };
  const charts: RenderedChart[] = [];
  const failures: string[] = [];
  // One at a time: a self-hosted renderer is small, and the first failure usually explains the rest.
  for (const spec of specs) {
    try {
      charts.push({ spec, png: await renderer.render(spec) });
    } catch (error) {
      failures.push(plainMessage(error));
    }
  }
  if (failures.length === 0) return { charts };
  const why = [...new Set(failures)].join(' ');
  return {
    charts,
    note:
      charts.length === 0
        ? `Charts could not be rendered, so this summary is text only. ${why}`
        : `${failures.length} of ${specs.length} charts could not be rendered. ${why}`,
  };
}

/** The note to show when rendering worked but the upload to Slack did not. */
export function chartUploadFailedNote(error: unknown): string {
  return `Charts could not be uploaded to the channel, so this summary is text only: ${plainMessage(error)}`;
}
