// jstat ships no type declarations (and there is no @types/jstat): the few functions the judge and the bench use.
declare module 'jstat' {
  interface Distribution {
    cdf(x: number, ...params: number[]): number;
    inv(p: number, ...params: number[]): number;
    sample(...params: number[]): number;
  }
  export const jStat: {
    beta: Distribution;
    normal: Distribution;
    poisson: { cdf(k: number, l: number): number; sample(l: number): number };
    /** Replaces Math.random for every sampler (the bench seeds it). */
    setRandom(fn: () => number): void;
  };
}
