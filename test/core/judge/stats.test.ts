import {
  atMost,
  mannWhitneyCdf,
  mannWhitneyGreater,
  mannWhitneyMinimumP,
  mannWhitneyNormalCdf,
  mannWhitneyU,
  proportionLowerBound,
  proportionUpperBound,
  RunningU,
} from '../../../src/core/judge/stats';

describe('exact (Clopper-Pearson) bounds for a proportion', () => {
  // Published 95 % two-sided Clopper-Pearson intervals (each end a one-sided 97.5 % bound), e.g. in
  // Clopper & Pearson (1934) tables and every binomial-interval reference: 1 of 10 -> 0.0025-0.4450,
  // 5 of 10 -> 0.1871-0.8129.
  it.each([
    [1, 10, 0.0025, 0.445],
    [5, 10, 0.1871, 0.8129],
  ])('%i of %i: %f to %f', (x, n, low, high) => {
    expect(proportionLowerBound(x, n, 0.025)).toBeCloseTo(low, 4);
    expect(proportionUpperBound(x, n, 0.025)).toBeCloseTo(high, 4);
  });

  it('has the closed forms by hand at the edges: 0 of n and n of n', () => {
    // 0 of 10 at 95 %: (1 - p)^10 = 0.05 gives p = 1 - 0.05^(1/10) = 0.25887.
    expect(proportionUpperBound(0, 10, 0.05)).toBeCloseTo(0.25887, 5);
    expect(proportionLowerBound(0, 10, 0.05)).toBe(0);
    // 10 of 10 at 95 %: p^10 = 0.05 gives p = 0.74113.
    expect(proportionLowerBound(10, 10, 0.05)).toBeCloseTo(0.74113, 5);
    expect(proportionUpperBound(10, 10, 0.05)).toBe(1);
  });

  it('says nothing without trials', () => {
    expect(proportionLowerBound(0, 0, 0.05)).toBe(0);
    expect(proportionUpperBound(0, 0, 0.05)).toBe(1);
  });
});

describe('Mann-Whitney U', () => {
  // Critical values of U from the published tables (e.g. Siegel & Castellan, Nonparametric Statistics,
  // table J): the largest c with P(U <= c) <= alpha, one-sided.
  it.each([
    [3, 3, 0.05, 0],
    [4, 4, 0.05, 1],
    [5, 5, 0.05, 4],
    [6, 6, 0.05, 7],
    [7, 7, 0.05, 11],
    [8, 8, 0.05, 15],
    [10, 10, 0.05, 27],
    [20, 20, 0.05, 138],
    [5, 5, 0.025, 2],
    [6, 6, 0.025, 5],
    [7, 7, 0.025, 8],
    [8, 8, 0.025, 13],
    [10, 10, 0.025, 23],
    [20, 20, 0.025, 127],
  ])('m = %i, n = %i, alpha %f: critical U %i', (m, n, alpha, c) => {
    expect(atMost(mannWhitneyCdf(c, m, n), alpha)).toBe(true);
    expect(atMost(mannWhitneyCdf(c + 1, m, n), alpha)).toBe(false);
  });

  it('gives the exact small-sample probabilities: 1 / C(m+n, m) for complete separation', () => {
    expect(mannWhitneyCdf(0, 3, 3)).toBeCloseTo(1 / 20, 12);
    expect(mannWhitneyCdf(0, 4, 4)).toBeCloseTo(1 / 70, 12);
    expect(mannWhitneyCdf(1, 4, 4)).toBeCloseTo(2 / 70, 12);
    expect(mannWhitneyMinimumP(3, 3)).toBeCloseTo(0.05, 12);
    expect(mannWhitneyMinimumP(3, 30)).toBeCloseTo(1 / 5456, 12);
    // Unequal samples (3 judged minutes against a 30-minute baseline), both ways round.
    expect(mannWhitneyCdf(0, 3, 30)).toBeCloseTo(1 / 5456, 12);
    expect(mannWhitneyCdf(0, 30, 3)).toBeCloseTo(1 / 5456, 12);
    expect(mannWhitneyCdf(1, 3, 30)).toBeCloseTo(2 / 5456, 12);
  });

  it('keeps U up to date as values join either sample, in any order, ties included', () => {
    const a = [3, 1, 4, 1, 5, 9, 2, 6];
    const b = [2, 7, 1, 8, 2, 8, 1];
    let brute = 0;
    for (const x of a) for (const y of b) brute += x > y ? 1 : x === y ? 0.5 : 0;
    const running = new RunningU();
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (i < b.length) running.addB(b[i]!);
      if (i < a.length) running.addA(a[i]!);
    }
    expect(running.u).toBe(brute);
    expect(running.n).toBe(7);
    expect(mannWhitneyU(a, b)).toBe(brute);
  });

  it('counts ties one half and tests the larger-values side', () => {
    expect(mannWhitneyU([3, 4, 5], [1, 2, 3])).toBe(8.5);
    expect(mannWhitneyGreater([4, 5, 6], [1, 2, 3])).toBeCloseTo(0.05, 12);
    expect(mannWhitneyGreater([1, 2, 3], [4, 5, 6])).toBeCloseTo(1, 12);
    expect(mannWhitneyGreater([], [1])).toBe(1);
  });

  it('uses the normal approximation (with continuity correction) past 400 pairs, which the exact values bear out', () => {
    for (const u of [110, 127, 138, 150, 200]) {
      expect(Math.abs(mannWhitneyNormalCdf(u, 20, 20) - mannWhitneyCdf(u, 20, 20))).toBeLessThan(0.003);
    }
    expect(mannWhitneyCdf(200, 21, 21)).toBe(mannWhitneyNormalCdf(200, 21, 21));
  });
});
