import { alignToMinutes, hasData } from '../../src/charts/common';
import { MINUTE_MS } from '../../src/core/types';

const START = Date.UTC(2026, 0, 1, 23, 58);

describe('chart helpers', () => {
  it('aligns a series to the minutes with null for missing minutes and scales values', () => {
    const window = { start: START, end: START + 3 * MINUTE_MS };
    expect(alignToMinutes([{ t: START + 2 * MINUTE_MS, v: 0.5 }], window, 100)).toEqual([null, null, 50]);
    expect(alignToMinutes(undefined, window)).toEqual([null, null, null]);
    expect(hasData([null, 0])).toBe(true);
    expect(hasData([null, null])).toBe(false);
  });
});
