// Checks a chart configuration as Chart.js 4 (and QuickChart running it) reads it, beyond what our renderer
// happens to accept: pure JSON, scales Chart.js can place, datasets and annotations on scales that exist, and
// text large enough to read in Slack.
import type { ChartSpec } from '../../src/core/ports';

interface Scale {
  axis?: string;
  stack?: string;
  title?: { font?: { size?: number } };
  ticks?: { font?: { size?: number } };
}

/** Problems found, in words; empty when the configuration is fine. */
export function chartJs4Problems(spec: ChartSpec, minFontPx = 14): string[] {
  const problems: string[] = [];
  const config = spec.config as {
    type?: string;
    data?: { datasets?: Array<{ yAxisID?: string; xAxisID?: string; label?: string }> };
    options?: { scales?: Record<string, Scale>; plugins?: Record<string, any> };
  };
  if (JSON.stringify(JSON.parse(JSON.stringify(config))) !== JSON.stringify(config)) problems.push('not plain JSON');
  const scales = config.options?.scales ?? {};
  for (const [id, scale] of Object.entries(scales)) {
    // Chart.js 4 derives a scale's axis from its id's first letter unless `axis` says it (QuickChart errors otherwise).
    if (!/^[xy]/i.test(id) && !scale.axis) problems.push(`scale "${id}" does not start with x or y and has no axis`);
    for (const [what, size] of [['title', scale.title?.font?.size], ['ticks', scale.ticks?.font?.size]] as const) {
      if (size === undefined || size < minFontPx) problems.push(`scale "${id}" ${what} font ${size ?? 'default (12)'} px < ${minFontPx}`);
    }
  }
  const stacks = new Set(Object.values(scales).map((s) => s.stack).filter(Boolean));
  if (stacks.size > 1) problems.push('panels on more than one stack');
  for (const d of config.data?.datasets ?? []) {
    if (d.yAxisID && !scales[d.yAxisID]) problems.push(`dataset "${d.label}" on missing scale ${d.yAxisID}`);
    if (d.xAxisID && !scales[d.xAxisID]) problems.push(`dataset "${d.label}" on missing scale ${d.xAxisID}`);
  }
  const annotations = config.options?.plugins?.annotation?.annotations ?? {};
  for (const [name, a] of Object.entries(annotations as Record<string, any>)) {
    for (const key of ['xScaleID', 'yScaleID']) if (a[key] && !scales[a[key]]) problems.push(`annotation ${name} on missing scale ${a[key]}`);
    if (a.label?.display !== false && a.label?.font?.size < minFontPx) problems.push(`annotation ${name} label font < ${minFontPx}`);
  }
  for (const plugin of ['title', 'subtitle']) {
    const size = config.options?.plugins?.[plugin]?.font?.size;
    if (config.options?.plugins?.[plugin]?.display && !(size >= minFontPx)) problems.push(`${plugin} font ${size ?? 'default'} px < ${minFontPx}`);
  }
  return problems;
}
