// A small seeded PRNG (mulberry32): the simulated stack is reproducible for a given seed.
export class Random {
  private state: number;

  constructor(seed = 42) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [1 - spread, 1 + spread). */
  jitter(spread: number): number {
    return 1 + spread * (2 * this.next() - 1);
  }

  /** Rounds up or down at random in proportion to the fraction, so sums stay unbiased. */
  round(x: number): number {
    const floor = Math.floor(x);
    return floor + (this.next() < x - floor ? 1 : 0);
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += Math.floor(this.next() * 16).toString(16);
    return out;
  }
}
