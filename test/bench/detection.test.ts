import { BREACHES, formatDetection, measureDetection, SHARES } from '../../bench/detection';

describe('the detection table', () => {
  // A few simulated watches only: this checks what the table says, not the figures (npm run bench measures them).
  const results = measureDetection({ runs: 3, days: 0.125, seed: 7 });

  it('has a row for every breach at every share, and a false-breach row per share', () => {
    expect(results.rows.map((r) => [r.breach, r.share])).toEqual(BREACHES.flatMap((b) => SHARES.map((s) => [b.name, s])));
    expect(results.falseBreaches.map((f) => [f.share, f.watches])).toEqual(SHARES.map((s) => [s, 3]));
  });

  it('finds a +20 point 5xx rise at 100 % in its first minute, against the prep baseline', () => {
    expect(results.rows.find((r) => r.breach === '5xx +20 points' && r.share === 100)).toMatchObject({ detected: 3, worstMinutes: 1, breachBeforeOnset: 0 });
  });

  it('is repeatable: the same seed gives the same table', () => {
    const again = measureDetection({ runs: 3, days: 0.125, seed: 7 });
    expect(again.rows).toEqual(results.rows);
    expect(again.falseBreaches).toEqual(results.falseBreaches);
  });

  it('prints the table with the goals', () => {
    const text = formatDetection(results);
    expect(text).toContain('5xx +20 points');
    expect(text).toContain('no false breach in 7 simulated days at any share:');
  });

  it('leaves Math.random as it found it (it seeds it while measuring)', () => {
    const before = Math.random;
    measureDetection({ runs: 1, days: 0.05 });
    expect(Math.random).toBe(before);
  });
});
