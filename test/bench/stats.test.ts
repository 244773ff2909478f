import { formatTable, median, percentile, runPool, verdict, type Figure } from '../../bench/stats';

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(median([3, 1, 2])).toBe(2);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('runPool', () => {
  it('never has more than the limit in flight and keeps the job order', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await runPool(20, 4, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return i * 2;
    });
    expect(most).toBe(4);
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });
});

describe('verdict and table', () => {
  const figures: Figure[] = [
    { figure: 'ack p50', value: 3.2, unit: 'ms', comparison: '<', target: 20 },
    { figure: 'status cached', value: 2, unit: 'xL', comparison: '<=', target: 2 },
    { figure: 'calls', value: 6, unit: 'calls', comparison: '<=', target: 5, note: 'one call too many' },
    { figure: 'fallback', value: null, unit: 'xL', comparison: '<=', target: 1.2, note: 'handler missing' },
  ];

  it('passes at the bound only for "at most"', () => {
    expect(figures.map(verdict)).toEqual(['pass', 'pass', 'FAIL', 'n/a']);
    expect(verdict({ ...figures[0]!, value: 20 })).toBe('FAIL');
  });

  it('prints one aligned row per figure and the notes under the table', () => {
    const table = formatTable(figures).split('\n');
    expect(table[0]).toMatch(/^figure\s+value\s+target\s+result$/);
    expect(table[2]).toMatch(/^ack p50\s+3\.20 ms\s+under 20 ms\s+pass$/);
    expect(table[3]).toMatch(/^status cached\s+2 x L\s+at most 2 x L\s+pass$/);
    expect(table[5]).toMatch(/^fallback\s+not measured\s+at most 1\.20 x L\s+n\/a$/);
    expect(table.slice(-2)).toEqual(['- calls: one call too many', '- fallback: handler missing']);
  });
});
