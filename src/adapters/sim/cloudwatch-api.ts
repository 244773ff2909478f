// The simulated CloudWatch API (AWS JSON 1.0): GetMetricData over the stages' per-minute ALB metrics, with
// only the dimension sets AWS/ApplicationELB publishes, its statistics, pages and per-query failures.
import type { Side } from '../../core/types';
import { loadBalancerDimension, targetGroupDimension } from '../aws/listener-actions';
import type { Metric, MetricDataQuery } from '../aws/metrics';
import { SimAwsError, type MinuteRecord, type SimStack } from './stack';
import { epochSeconds as seconds } from './wire';

export function cloudwatch(stack: SimStack, operation: string, input: Record<string, unknown>): unknown {
  if (operation !== 'GetMetricData') {
    throw new SimAwsError('InvalidAction', `${operation} is not supported by the simulated stack`);
  }
  const queries = Array.isArray(input.MetricDataQueries) ? (input.MetricDataQueries as MetricDataQuery[]) : [];
  if (queries.length === 0 || queries.length > 500) {
    throw new SimAwsError('ValidationError', 'The collection MetricDataQueries must not be empty and must not have a size greater than 500.');
  }
  const ids = new Set<string>();
  for (const q of queries) {
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(q.Id ?? '')) throw new SimAwsError('ValidationError', `Invalid metric data query id '${q.Id}'.`);
    if (ids.has(q.Id!)) throw new SimAwsError('ValidationError', `The values for parameter id in MetricDataQueries are not unique.`);
    ids.add(q.Id!);
  }
  const start = timeOf(input.StartTime);
  const end = timeOf(input.EndTime);
  if (!(start < end)) throw new SimAwsError('ValidationError', 'The parameter StartTime must be less than the parameter EndTime.');
  const now = stack.clock.now();
  const ascending = input.ScanBy === 'TimestampAscending';
  return {
    MetricDataResults: queries.map((q) => {
      const metric = q.MetricStat?.Metric;
      const stat = q.MetricStat?.Stat ?? '';
      if (metric && (stack.failingMetrics.has(metric.MetricName ?? '') || stack.failingMetrics.has(`${metric.MetricName}:${stat}`))) {
        return {
          Id: q.Id,
          Label: metric.MetricName,
          Timestamps: [],
          Values: [],
          StatusCode: 'InternalError',
          Messages: [{ Code: 'InternalError', Value: 'Internal error while retrieving datapoints (simulated)' }],
        };
      }
      const points = metric ? datapoints(stack, metric, q.MetricStat?.Period ?? 60, stat, start, end, now) : [];
      if (!ascending) points.reverse();
      return {
        Id: q.Id,
        Label: q.Label ?? metric?.MetricName ?? q.Id,
        Timestamps: points.map((p) => seconds(p.t)),
        Values: points.map((p) => p.v),
        StatusCode: 'Complete',
        Messages: [],
      };
    }),
    Messages: [],
  };
}

function datapoints(stack: SimStack, metric: Metric, period: number, stat: string, start: number, end: number, now: number): { t: number; v: number }[] {
  if (metric.Namespace !== 'AWS/ApplicationELB' || !metric.MetricName) return [];
  const dims = new Map((metric.Dimensions ?? []).map((d) => [d.Name, d.Value]));
  const tgDim = dims.get('TargetGroup');
  const stage = [...stack.stages.values()].find((s) => loadBalancerDimension(s.loadBalancer.arn) === dims.get('LoadBalancer'));
  const side = (['source', 'target'] as const).find((x) => stage && targetGroupDimension(stage.targetGroups[x].arn) === tgDim);
  // Like CloudWatch: AWS/ApplicationELB publishes per-target-group metrics only with the dimension set
  // {TargetGroup, LoadBalancer} (and with AvailabilityZone added), never {TargetGroup} alone; a query for
  // a combination that is not published finds no metric and silently returns no datapoints.
  if (tgDim !== undefined && !side) return [];
  if (!stage || [...dims.keys()].some((k) => k !== 'TargetGroup' && k !== 'LoadBalancer')) return [];

  const periodMs = Math.max(60, period) * 1000;
  const buckets = new Map<number, MinuteRecord[]>();
  for (const m of stage.publishedMinutes(now)) {
    if (m.t < start || m.t >= end) continue;
    const b = Math.floor(m.t / periodMs) * periodMs;
    (buckets.get(b) ?? buckets.set(b, []).get(b)!).push(m);
  }
  const out: { t: number; v: number }[] = [];
  for (const [t, minutes] of [...buckets.entries()].sort((a, b) => a[0] - b[0])) {
    const v = aggregate(metric.MetricName, stat, minutes, side);
    if (v !== undefined) out.push({ t, v });
  }
  return out;
}
function timeOf(value: unknown): number {
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') return /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  return NaN;
}

/** The per-target-group counts; the bot asks for each as a Sum. */
const COUNTS: Record<string, 'requests' | 'c2xx' | 'c3xx' | 'c4xx' | 'c5xx' | 'connectionErrors'> = {
  RequestCount: 'requests',
  HTTPCode_Target_2XX_Count: 'c2xx',
  HTTPCode_Target_3XX_Count: 'c3xx',
  HTTPCode_Target_4XX_Count: 'c4xx',
  HTTPCode_Target_5XX_Count: 'c5xx',
  TargetConnectionErrorCount: 'connectionErrors',
};

/** The load balancer's counts, also asked for as a Sum. */
const LOAD_BALANCER_COUNTS: Record<string, 'activeConnections' | 'newConnections' | 'elb5xx'> = {
  ActiveConnectionCount: 'activeConnections',
  NewConnectionCount: 'newConnections',
  HTTPCode_ELB_5XX_Count: 'elb5xx',
};

/**
 * One datapoint from the minutes of a period, or undefined where CloudWatch would have none. Only the
 * statistics the bot asks for are simulated (Sum of counts, Average and p99 of TargetResponseTime).
 */
function aggregate(metricName: string, stat: string, minutes: MinuteRecord[], side: Side | undefined): number | undefined {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const positive = (v: number) => (v > 0 ? v : undefined);
  if (!side) {
    const count = LOAD_BALANCER_COUNTS[metricName];
    return count && stat === 'Sum' ? positive(sum(minutes.map((m) => m[count]))) : undefined;
  }
  const sm = minutes.map((m) => m[side]);
  const count = COUNTS[metricName];
  if (count) return stat === 'Sum' ? positive(sum(sm.map((s) => s[count]))) : undefined;
  const live = sm.filter((s) => s.requests > 0);
  const requests = sum(live.map((s) => s.requests));
  if (metricName !== 'TargetResponseTime' || requests === 0) return undefined;
  if (stat === 'Average') return sum(live.map((s) => s.latencyAvg * s.requests)) / requests;
  return stat === 'p99' ? Math.max(...live.map((s) => s.latencyP99)) : undefined;
}
