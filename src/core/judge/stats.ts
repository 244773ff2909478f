// The two tests the judge stands on: exact confidence bounds for a proportion (5xx of requests), and the
// one-sided Mann-Whitney rank test (per-minute p99s). Distributions come from jstat; the only thing written
// here is the exact null distribution of Mann-Whitney's U, which no maintained JavaScript library provides
// (jstat and @stdlib have none; the npm "mann-whitney" packages are unmaintained normal approximations).
import { jStat } from 'jstat';

/**
 * Exact (Clopper-Pearson) one-sided lower bound for a proportion seen as `events` of `trials`: the true rate
 * is at least this with probability 1 - alpha. Valid for any count, a dozen requests included.
 */
export function proportionLowerBound(events: number, trials: number, alpha: number): number {
  if (trials <= 0 || events <= 0) return 0;
  if (events >= trials) return Math.pow(alpha, 1 / trials);
  return jStat.beta.inv(alpha, events, trials - events + 1);
}

/** Exact (Clopper-Pearson) one-sided upper bound: the true rate is at most this with probability 1 - alpha. */
export function proportionUpperBound(events: number, trials: number, alpha: number): number {
  if (trials <= 0 || events >= trials) return 1;
  if (events <= 0) return 1 - Math.pow(alpha, 1 / trials);
  return jStat.beta.inv(1 - alpha, events + 1, trials - events);
}

/** Above this many pairs (m x n) U is taken as normal; below, its exact distribution is used. */
const EXACT_MAX_PAIRS = 400;
/** Exact distributions by "m,n": bounded by EXACT_MAX_PAIRS, all of them together would take about 4 MB. */
const exactCache = new Map<string, Float64Array>();

/**
 * P(U <= u) for every u = 0..m*n when the two samples come from one distribution (no ties), by the
 * recurrence of Mann and Whitney (1947): the largest of the m+n values belongs to the first sample with
 * probability m/(m+n), which adds n to U, or to the second, which adds nothing.
 */
function exactCdf(m: number, n: number): Float64Array {
  const key = `${m},${n}`;
  const cached = exactCache.get(key);
  if (cached) return cached;
  // prob[i][j] = distribution of U for samples of i and j.
  let previousRow: Float64Array[] = [];
  for (let i = 0; i <= m; i++) {
    const row: Float64Array[] = [];
    for (let j = 0; j <= n; j++) {
      const dist = new Float64Array(i * j + 1);
      if (i === 0 || j === 0) dist[0] = 1;
      else {
        const fromFirst = previousRow[j]!; // (i-1, j): U shifted by j
        const fromSecond = row[j - 1]!; // (i, j-1)
        for (let u = 0; u < fromFirst.length; u++) dist[u + j]! += (fromFirst[u]! * i) / (i + j);
        for (let u = 0; u < fromSecond.length; u++) dist[u]! += (fromSecond[u]! * j) / (i + j);
      }
      row.push(dist);
    }
    previousRow = row;
  }
  const pmf = previousRow[n]!;
  const cdf = new Float64Array(pmf.length);
  let total = 0;
  for (let u = 0; u < pmf.length; u++) cdf[u] = total += pmf[u]!;
  exactCache.set(key, cdf);
  return cdf;
}

/** P(U <= u) under the null hypothesis for samples of m and n (exact for small samples, else normal). */
export function mannWhitneyCdf(u: number, m: number, n: number): number {
  if (m === 0 || n === 0) return 1;
  if (m * n <= EXACT_MAX_PAIRS) {
    const cdf = exactCdf(m, n);
    const k = Math.floor(u + 1e-9);
    return k < 0 ? 0 : k >= cdf.length ? 1 : cdf[k]!;
  }
  return mannWhitneyNormalCdf(u, m, n);
}

/** The normal approximation of P(U <= u), with the continuity correction (used above 400 pairs). */
export function mannWhitneyNormalCdf(u: number, m: number, n: number): number {
  const mean = (m * n) / 2;
  const sd = Math.sqrt((m * n * (m + n + 1)) / 12);
  return jStat.normal.cdf((u + 0.5 - mean) / sd, 0, 1);
}

/** p <= alpha, allowing for rounding in the sums (3 against 3 must reach exactly 0.05). */
export function atMost(p: number, alpha: number): boolean {
  return p <= alpha * (1 + 1e-9);
}

/** The first index of the sorted values at or above x (lower), or above x (upper). */
function bound(sorted: number[], x: number, upper: boolean): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid]! < x || (upper && sorted[mid] === x)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * U of sample A against sample B (the pairs in which A's value is larger, a tie counting one half), kept up
 * to date as values join either sample: each costs a binary search, so the judge can grow a window minute
 * by minute over a day-long watch without comparing every pair again.
 */
export class RunningU {
  private readonly a: number[] = [];
  private readonly b: number[] = [];
  u = 0;

  get n(): number {
    return this.b.length;
  }

  addA(x: number): void {
    const below = bound(this.b, x, false);
    this.u += below + (bound(this.b, x, true) - below) / 2;
    this.a.splice(bound(this.a, x, false), 0, x);
  }

  addB(y: number): void {
    const atOrBelow = bound(this.a, y, true);
    this.u += this.a.length - atOrBelow + (atOrBelow - bound(this.a, y, false)) / 2;
    this.b.splice(bound(this.b, y, false), 0, y);
  }
}

/** U of `a` against `b`: the pairs in which a's value is larger, a tie counting one half. */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): number {
  const running = new RunningU();
  for (const y of b) running.addB(y);
  for (const x of a) running.addA(x);
  return running.u;
}

/** P(U >= u) under the null hypothesis: the one-sided p-value of a U of `a` (m values) against `b` (n). */
export function mannWhitneyPGreater(u: number, m: number, n: number): number {
  if (m === 0 || n === 0) return 1;
  // P(U >= u) = P(U' <= m*n - u) with U' of b against a, which has the same null distribution.
  return mannWhitneyCdf(m * n - u, m, n);
}

/**
 * One-sided Mann-Whitney p-value for "values of `a` tend to be larger than those of `b`": the chance of a U
 * at least this large if both came from one distribution. The smallest possible is 1 / C(m+n, m) (every a
 * above every b): with 3 minutes a side that is 0.05. Ties (rare for p99s in seconds) are counted half;
 * the exact distribution then is a close approximation.
 */
export function mannWhitneyGreater(a: readonly number[], b: readonly number[]): number {
  return mannWhitneyPGreater(mannWhitneyU(a, b), a.length, b.length);
}

/** The smallest one-sided p-value samples of m and n can give: 1 / C(m+n, m). */
export function mannWhitneyMinimumP(m: number, n: number): number {
  if (m === 0 || n === 0) return 1;
  let p = 1;
  for (let i = 1; i <= Math.min(m, n); i++) p = (p * i) / (Math.max(m, n) + i);
  return p;
}
