// Weights of the switchover listener, and what they mean in words.
import type { Weights } from './types';

/** Weights that send `percent` of new connections to the target proxy. */
export function weightsForPercent(percent: number): Weights {
  return { source: 100 - percent, target: percent };
}

/** All new traffic back to the source proxy. */
export const FALLBACK_WEIGHTS: Weights = { source: 100, target: 0 };

/** Share of new traffic the weights send to the target proxy, 0-100 (rounded to one decimal). */
export function targetPercent(weights: Weights): number {
  const total = weights.source + weights.target;
  if (total === 0) return 0;
  return Math.round((weights.target / total) * 1000) / 10;
}

export function sameWeights(a: Weights, b: Weights): boolean {
  return a.source === b.source && a.target === b.target;
}

/** E.g. "source 90 / target 10 (10% of new traffic to the target proxy)". */
export function describeWeights(weights: Weights): string {
  const total = weights.source + weights.target;
  const raw = `source ${weights.source} / target ${weights.target}`;
  if (total === 0) return `${raw} (no target group receives traffic)`;
  const pct = targetPercent(weights);
  if (pct === 0) return `${raw} (all new traffic to the source proxy)`;
  if (pct === 100) return `${raw} (all new traffic to the target proxy)`;
  return `${raw} (${pct}% of new traffic to the target proxy)`;
}
