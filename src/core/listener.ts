// The switchover listener as operators leave it, in words: the default forward in whatever shape the console
// produced (weighted to both proxy groups, to one of them, or also to another group) and the rules that
// bypass it. Never claims a share of traffic that a third group or a rule contradicts.
import type { ForwardGroup, ListenerState, Weights } from './types';
import { describeWeights, sameWeights } from './weights';

/** Share of new traffic (0-100, one decimal) each group of the default forward gets. */
export function groupShares(state: Pick<ListenerState, 'groups'>): Array<ForwardGroup & { percent: number }> {
  const total = state.groups.reduce((s, g) => s + g.weight, 0);
  return state.groups.map((g) => ({ ...g, percent: total === 0 ? 0 : Math.round((g.weight / total) * 1000) / 10 }));
}

/** Groups other than the two proxies that the default forward sends traffic to (weight above 0). */
export function otherGroupsWithTraffic(state: Pick<ListenerState, 'groups'>): Array<ForwardGroup & { percent: number }> {
  return groupShares(state).filter((g) => g.role === 'other' && g.weight > 0);
}

/**
 * Whether the listener holds these weights with no other group carrying traffic: the one comparison of what
 * AWS shows with what the bot asked for (an apply's read-back, the watch's outside-change check).
 */
export function holdsWeights(state: Pick<ListenerState, 'weights' | 'groups'>, weights: Weights): boolean {
  return sameWeights(state.weights, weights) && otherGroupsWithTraffic(state).length === 0;
}

/** The weighted forward to both proxy groups the bot writes, with these weights: what the bot left in place. */
export function holdsWeightedForward(state: Pick<ListenerState, 'weights' | 'groups' | 'weightedToBoth'>, weights: Weights): boolean {
  return state.weightedToBoth && holdsWeights(state, weights);
}

/** Share of new traffic the default forward sends to the target proxy, counting every group it names. */
export function configuredTargetPercent(state: Pick<ListenerState, 'groups'>): number {
  return groupShares(state).find((g) => g.role === 'target')?.percent ?? 0;
}

/**
 * The default forward in words, e.g. "source 90 / target 10 (10% of new traffic to the target proxy)";
 * "all new traffic to the source proxy; the rule was changed outside the bot" for the console's manual
 * fallback; every group with its share when a third group is named.
 */
export function describeListener(state: Pick<ListenerState, 'groups' | 'weights' | 'weightedToBoth'>): string {
  if (state.groups.some((g) => g.role === 'other')) {
    const shares = groupShares(state)
      .map((g) => `${g.name} ${g.percent}% (weight ${g.weight})`)
      .join(', ');
    const others = otherGroupsWithTraffic(state);
    const note = others.length > 0 ? `: ${others.map((g) => g.name).join(', ')} is not a proxy group and gets traffic` : '';
    return `${shares}${note}; the rule was changed outside the bot`;
  }
  if (state.weightedToBoth) return describeWeights(state.weights);
  const only = state.groups.find((g) => g.weight > 0);
  const where = only ? `all new traffic to the ${only.role === 'target' ? 'target' : 'source'} proxy` : 'no new traffic to either proxy';
  return `${where} (forward to ${state.groups.map((g) => g.name).join(', ')} only); the rule was changed outside the bot`;
}

/** Why a shift or fallback must not be requested from this listener, if it must not. */
export function otherGroupRefusal(state: Pick<ListenerState, 'groups'>, stage: string): string | undefined {
  const others = otherGroupsWithTraffic(state);
  if (others.length === 0) return undefined;
  const named = others.map((g) => `${g.name} (weight ${g.weight}, ${g.percent}% of new traffic)`).join(', ');
  return (
    `The switchover listener of ${stage} also forwards to ${named}, which is not a proxy group: a shift or fallback ` +
    `would leave it carrying traffic. Remove it from the listener's default rule in the console (or set its weight ` +
    `to 0), then request again.`
  );
}

/** One warning per rule other than the default: the requests it matches bypass the default weights. */
export function ruleWarnings(state: Pick<ListenerState, 'rules'>): string[] {
  return state.rules.map(
    (r) =>
      `Rule priority ${r.priority} (${r.conditions}): ${r.action}; requests it matches bypass the default weights.`,
  );
}
