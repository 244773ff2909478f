// Step 6: the baseline, from the source proxy's settled minutes, journaled for status and the watch.
import { computeBaseline, connectionReuse, type ConnectionReuse } from '../baseline';
import { formatTime, plainMessage } from '../format';
import type { Baseline } from '../journal';
import { settledWindow } from '../traffic';
import type { MetricsSnapshot, StageResources } from '../types';
import type { PrepContext } from './step';

/** Never fails the run: without a baseline the verdict stands, and the warnings say what is missing. */
export async function snapshotBaseline(
  ctx: PrepContext,
  resources: StageResources,
): Promise<{ baseline?: Baseline; snapshot?: MetricsSnapshot; connectionReuse?: ConnectionReuse }> {
  const minutes = ctx.settings.baselineMinutes ?? 30;
  // The same settled-minute rule as status and the watch: a minute not yet published is not a quiet one.
  const window = settledWindow(ctx.deps.clock.now(), minutes, ctx.settings.settleMs);
  await ctx.update('metrics', 'running', `source proxy and load balancer, ${formatTime(window.start)} to ${formatTime(window.end)}`);
  const noBaseline = (why: string) =>
    ctx.warnings.push(`No baseline: ${why}. The verdict does not depend on it, but a shift can then only be judged side by side.`);
  let snapshot: MetricsSnapshot;
  try {
    snapshot = await ctx.deps.metrics.snapshot(resources, window);
  } catch (error) {
    // The port promises not to throw; if it does anyway the verdict must not depend on it.
    const why = `CloudWatch metrics could not be read: ${plainMessage(error)}`;
    noBaseline(why);
    await ctx.update('metrics', 'failed', why);
    return {};
  }
  if (snapshot.source.requests === undefined) {
    const why = snapshot.missing.length > 0 ? snapshot.missing.join('; ') : "the source proxy's request counts were not returned";
    noBaseline(why);
    await ctx.update('metrics', 'failed', `no baseline: ${why}`);
    return { snapshot };
  }
  const baseline = computeBaseline(snapshot);
  if (baseline.minutesWithTraffic === 0) {
    ctx.warnings.push(
      `No baseline: the source proxy carried no requests in the last ${minutes} minutes; check that client traffic goes through the switchover listener.`,
    );
    await ctx.update('metrics', 'done', `no requests on the source proxy in the last ${minutes} minutes`);
    return { snapshot };
  }
  if (snapshot.missing.length > 0) ctx.warnings.push(`Baseline incomplete: ${snapshot.missing.join('; ')}.`);
  try {
    await ctx.deps.journal.append({ type: 'prep.baseline', ...ctx.record(), baseline });
  } catch (error) {
    ctx.warnings.push(`The baseline could not be stored in the journal (${plainMessage(error)}); status and monitoring will not see it.`);
  }
  const reuse = connectionReuse(baseline);
  await ctx.update(
    'metrics',
    'done',
    `${Math.round(baseline.requestsPerMinute)} requests/min over ${baseline.minutesWithTraffic} min with traffic` +
      (snapshot.missing.length > 0 ? ` (${snapshot.missing.length} figure${snapshot.missing.length === 1 ? '' : 's'} missing)` : ''),
  );
  return { baseline, snapshot, connectionReuse: reuse };
}
