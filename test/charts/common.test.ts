import { alignToMinutes, minuteLabels, minutesOf, valueAxis } from '../../src/charts/common';
import { hhmm as hhmmUtc } from '../../src/core/format';
import { MINUTE_MS } from '../../src/core/types';

const START = Date.UTC(2026, 0, 1, 23, 58);

describe('chart helpers', () => {
  it('labels minutes as HH:MM in UTC, across midnight', () => {
    const window = { start: START, end: START + 4 * MINUTE_MS };
    expect(minuteLabels(window)).toEqual(['23:58', '23:59', '00:00', '00:01']);
    expect(hhmmUtc(Date.UTC(2026, 5, 1, 7, 5, 59))).toBe('07:05');
    expect(minutesOf(window)).toHaveLength(4);
  });

  it('aligns a series to the minutes with null for missing minutes and scales values', () => {
    const window = { start: START, end: START + 3 * MINUTE_MS };
    expect(alignToMinutes([{ t: START + 2 * MINUTE_MS, v: 0.5 }], window, 100)).toEqual([null, null, 50]);
    expect(alignToMinutes(undefined, window)).toEqual([null, null, null]);
  });

  it('builds primary and secondary axes', () => {
    expect(valueAxis({ title: 'a' })).toEqual({ type: 'linear', position: 'left', beginAtZero: true, title: { display: true, text: 'a' } });
    expect(valueAxis({ title: 'b', secondary: true })).toMatchObject({ position: 'right', grid: { drawOnChartArea: false } });
  });
});
