// ALB metrics of a stage from CloudWatch, in one GetMetricData (its pages joined). Never throws for CloudWatch: what could not be fetched is named in `missing`, and its
// series is left out (absent = unknown), while a fetched series without a point for a minute means
// "no traffic in that minute", as CloudWatch sends no datapoint then.
import {
  type CloudWatchClient,
  type Dimension,
  type Metric,
  paginateGetMetricData,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import type { Clock, MetricsPort } from '../../core/ports';
import type {
  LoadBalancerMetric,
  MetricSeries,
  MetricsSnapshot,
  MetricsWindow,
  StageResources,
  TargetGroupMetric,
  TargetGroupRef,
} from '../../core/types';
import { MINUTE_MS } from '../../core/types';
import { AwsCallError, awsCall, toAwsCallError } from './errors';

/** The SDK's shapes of a query, for the simulated CloudWatch (which imports no SDK client). */
export type { Metric, MetricDataQuery };

const NAMESPACE = 'AWS/ApplicationELB';

interface MetricDef<K extends string> {
  key: K;
  metricName: string;
  stat: string;
  words: string;
}

const TARGET_GROUP_METRICS: readonly MetricDef<TargetGroupMetric>[] = [
  { key: 'requests', metricName: 'RequestCount', stat: 'Sum', words: 'requests' },
  { key: 'http2xx', metricName: 'HTTPCode_Target_2XX_Count', stat: 'Sum', words: '2xx responses' },
  { key: 'http3xx', metricName: 'HTTPCode_Target_3XX_Count', stat: 'Sum', words: '3xx responses' },
  { key: 'http4xx', metricName: 'HTTPCode_Target_4XX_Count', stat: 'Sum', words: '4xx responses' },
  { key: 'http5xx', metricName: 'HTTPCode_Target_5XX_Count', stat: 'Sum', words: '5xx responses' },
  { key: 'latencyAvg', metricName: 'TargetResponseTime', stat: 'Average', words: 'average latency' },
  { key: 'latencyP99', metricName: 'TargetResponseTime', stat: 'p99', words: 'p99 latency' },
  // The load balancer could not connect to a target of the group (the request then fails with an ELB 502/503/504;
  // CloudWatch documents those per load balancer only, so the group's share of them is this count).
  { key: 'connectionErrors', metricName: 'TargetConnectionErrorCount', stat: 'Sum', words: 'connection errors to targets' },
];

const LOAD_BALANCER_METRICS: readonly MetricDef<LoadBalancerMetric>[] = [
  { key: 'activeConnections', metricName: 'ActiveConnectionCount', stat: 'Sum', words: 'active connections' },
  { key: 'newConnections', metricName: 'NewConnectionCount', stat: 'Sum', words: 'new connections' },
  { key: 'elb5xx', metricName: 'HTTPCode_ELB_5XX_Count', stat: 'Sum', words: '5xx responses from the load balancer itself' },
];

type Group = 'source' | 'target' | 'loadBalancer';
const GROUP_WORDS: Record<Group, string> = { source: 'source proxy', target: 'target proxy', loadBalancer: 'load balancer' };

interface PlannedQuery {
  group: Group;
  key: string;
  words: string;
  query: MetricDataQuery;
}

/** Minute-aligned, and never past the start of the newest (incomplete) minute. */
export function completeMinutes(window: MetricsWindow, now: number): MetricsWindow {
  const start = Math.floor(window.start / MINUTE_MS) * MINUTE_MS;
  const end = Math.min(Math.floor(window.end / MINUTE_MS) * MINUTE_MS, Math.floor(now / MINUTE_MS) * MINUTE_MS);
  return { start, end: Math.max(start, end) };
}

function plan(resources: StageResources): PlannedQuery[] {
  const lb = { Name: 'LoadBalancer', Value: resources.loadBalancer.dimension };
  // Target group metrics are published per (TargetGroup, LoadBalancer) pair, load balancer ones per LoadBalancer.
  const tg = (ref: TargetGroupRef) => [{ Name: 'TargetGroup', Value: ref.dimension }, lb];
  const sets: { group: Group; prefix: string; defs: readonly MetricDef<string>[]; dimensions: Dimension[] }[] = [
    { group: 'source', prefix: 'source', defs: TARGET_GROUP_METRICS, dimensions: tg(resources.sourceProxyTargetGroup) },
    { group: 'target', prefix: 'target', defs: TARGET_GROUP_METRICS, dimensions: tg(resources.targetProxyTargetGroup) },
    { group: 'loadBalancer', prefix: 'lb', defs: LOAD_BALANCER_METRICS, dimensions: [lb] },
  ];
  return sets.flatMap(({ group, prefix, defs, dimensions }) =>
    defs.map((def) => ({
      group,
      key: def.key,
      words: `${GROUP_WORDS[group]} ${def.words}`,
      query: {
        Id: `${prefix}_${def.key}`.toLowerCase(),
        MetricStat: { Metric: { Namespace: NAMESPACE, MetricName: def.metricName, Dimensions: dimensions }, Period: 60, Stat: def.stat },
        ReturnData: true,
      },
    })),
  );
}

/** "CloudWatch: Throttling: Rate exceeded", short enough to follow each missing number. */
function why(error: unknown): string {
  const err = error instanceof AwsCallError ? error : toAwsCallError(error, 'cloudwatch:GetMetricData', '*');
  if (err.code === 'AccessDenied' || err.code === 'AccessDeniedException') return `CloudWatch: ${err.detail}`;
  return `CloudWatch: ${err.code}: ${err.detail || err.message}`;
}

export class AwsMetrics implements MetricsPort {
  constructor(
    private readonly cloudwatch: CloudWatchClient,
    private readonly clock: Clock,
  ) {}

  async snapshot(resources: StageResources, window: MetricsWindow): Promise<MetricsSnapshot> {
    const snapshot: MetricsSnapshot = { window: completeMinutes(window, this.clock.now()), source: {}, target: {}, loadBalancer: {}, missing: [] };
    const { start, end } = snapshot.window;
    if (end <= start) return snapshot;
    const queries = plan(resources);
    let results: Map<string, MetricDataResult>;
    try {
      results = await this.getAll(queries.map((q) => q.query), start, end);
    } catch (error) {
      snapshot.missing.push(`every metric: source proxy, target proxy and load balancer (${why(error)})`);
      return snapshot;
    }
    for (const q of queries) {
      const result = results.get(q.query.Id!);
      if (!result) {
        snapshot.missing.push(`${q.words} (CloudWatch returned no result for it)`);
        continue;
      }
      if (result.StatusCode && result.StatusCode !== 'Complete') {
        const said = (result.Messages ?? []).map((m) => [m.Code, m.Value].filter(Boolean).join(': ')).join('; ');
        snapshot.missing.push(`${q.words} (CloudWatch: ${said || result.StatusCode})`);
        continue;
      }
      const points: MetricSeries = [];
      const timestamps = result.Timestamps ?? [];
      const values = result.Values ?? [];
      timestamps.forEach((ts, n) => {
        const t = ts.getTime();
        const v = values[n];
        if (v !== undefined && Number.isFinite(v) && t >= start && t < end) points.push({ t, v });
      });
      points.sort((a, b) => a.t - b.t);
      (snapshot[q.group] as Record<string, MetricSeries>)[q.key] = points;
    }
    return snapshot;
  }

  /** One GetMetricData, its pages (CloudWatch splits the datapoints over NextToken) joined per query. */
  private async getAll(queries: MetricDataQuery[], start: number, end: number): Promise<Map<string, MetricDataResult>> {
    const merged = new Map<string, MetricDataResult>();
    const input = { MetricDataQueries: queries, StartTime: new Date(start), EndTime: new Date(end), ScanBy: 'TimestampAscending' as const };
    await awsCall('cloudwatch:GetMetricData', '*', async () => {
      for await (const out of paginateGetMetricData({ client: this.cloudwatch }, input)) {
        for (const result of out.MetricDataResults ?? []) {
          if (!result.Id) continue;
          const seen = merged.get(result.Id);
          if (!seen) {
            merged.set(result.Id, { ...result, Timestamps: [...(result.Timestamps ?? [])], Values: [...(result.Values ?? [])] });
          } else {
            seen.Timestamps!.push(...(result.Timestamps ?? []));
            seen.Values!.push(...(result.Values ?? []));
            const failed = seen.StatusCode === 'InternalError' || seen.StatusCode === 'Forbidden';
            if (!failed) seen.StatusCode = result.StatusCode;
            seen.Messages = [...(seen.Messages ?? []), ...(result.Messages ?? [])];
          }
        }
      }
    });
    return merged;
  }
}
