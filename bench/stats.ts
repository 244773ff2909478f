// Pure helpers of the benchmark: percentiles, running work N at a time, judging a figure and the table.

/** Nearest-rank percentile (p in 0..100) of the values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Runs `count` jobs with at most `limit` in flight; results in job order. */
export async function runPool<T>(count: number, limit: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await job(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return out;
}

export type Comparison = '<' | '<=';

/** One line of the table: the measured value against its target. `value` null means it could not be measured. */
export interface Figure {
  figure: string;
  /** What was measured, in the unit of `unit`. */
  value: number | null;
  unit: 'ms' | 'xL' | 'calls' | 'MB' | '%' | 's' | 'calls/min/stage' | 'ticks';
  comparison: Comparison;
  target: number;
  /** Extra words: how it was measured, or why it could not be. */
  note?: string;
}

export type Verdict = 'pass' | 'FAIL' | 'n/a';

export function verdict(figure: Figure): Verdict {
  if (figure.value === null || Number.isNaN(figure.value)) return 'n/a';
  return (figure.comparison === '<' ? figure.value < figure.target : figure.value <= figure.target) ? 'pass' : 'FAIL';
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
}

export function formatValue(value: number | null, unit: Figure['unit']): string {
  if (value === null || Number.isNaN(value)) return 'not measured';
  return unit === 'xL' ? `${formatNumber(value)} x L` : `${formatNumber(value)} ${unit}`;
}

export function formatTarget(figure: Figure): string {
  const word = figure.comparison === '<' ? 'under' : 'at most';
  return `${word} ${formatValue(figure.target, figure.unit)}`;
}

/** A plain-text table: figure, value, target, verdict; notes listed under it. */
export function formatTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [f.figure, formatValue(f.value, f.unit), formatTarget(f), verdict(f)]);
  const head = ['figure', 'value', 'target', 'result'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  const notes = figures.filter((f) => f.note).map((f) => `- ${f.figure}: ${f.note}`);
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}
