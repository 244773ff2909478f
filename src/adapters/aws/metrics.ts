// ALB metrics of one or many stages from CloudWatch, in as few GetMetricData calls as possible (500
// queries per call). Never throws for CloudWatch: what could not be fetched is named in `missing`, and its
// series is left out (absent = unknown), while a fetched series without a point for a minute means
// "no traffic in that minute", as CloudWatch sends no datapoint then.
import {
  type CloudWatchClient,
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
} from '../../core/types';
import { MINUTE_MS } from '../../core/types';
import { AwsCallError, awsCall, toAwsCallError } from './errors';

export const MAX_QUERIES_PER_CALL = 500;
const NAMESPACE = 'AWS/ApplicationELB';

interface MetricDef<K extends string> {
  key: K;
  metricName: string;
  stat: string;
  words: string;
}

export const TARGET_GROUP_METRICS: readonly MetricDef<TargetGroupMetric>[] = [
  { key: 'requests', metricName: 'RequestCount', stat: 'Sum', words: 'requests' },
  { key: 'http2xx', metricName: 'HTTPCode_Target_2XX_Count', stat: 'Sum', words: '2xx responses' },
  { key: 'http3xx', metricName: 'HTTPCode_Target_3XX_Count', stat: 'Sum', words: '3xx responses' },
  { key: 'http4xx', metricName: 'HTTPCode_Target_4XX_Count', stat: 'Sum', words: '4xx responses' },
  { key: 'http5xx', metricName: 'HTTPCode_Target_5XX_Count', stat: 'Sum', words: '5xx responses' },
  { key: 'latencyAvg', metricName: 'TargetResponseTime', stat: 'Average', words: 'average latency' },
  { key: 'latencyP99', metricName: 'TargetResponseTime', stat: 'p99', words: 'p99 latency' },
  { key: 'unhealthyHosts', metricName: 'UnHealthyHostCount', stat: 'Maximum', words: 'unhealthy hosts' },
  // The load balancer could not connect to a target of the group (the request then fails with an ELB 502/503/504;
  // CloudWatch documents those per load balancer only, so the group's share of them is this count).
  { key: 'connectionErrors', metricName: 'TargetConnectionErrorCount', stat: 'Sum', words: 'connection errors to targets' },
];

export const LOAD_BALANCER_METRICS: readonly MetricDef<LoadBalancerMetric>[] = [
  { key: 'activeConnections', metricName: 'ActiveConnectionCount', stat: 'Sum', words: 'active connections' },
  { key: 'newConnections', metricName: 'NewConnectionCount', stat: 'Sum', words: 'new connections' },
  { key: 'elb5xx', metricName: 'HTTPCode_ELB_5XX_Count', stat: 'Sum', words: '5xx responses from the load balancer itself' },
];

/** Queries per stage snapshot. */
export const QUERIES_PER_SNAPSHOT = TARGET_GROUP_METRICS.length * 2 + LOAD_BALANCER_METRICS.length;

export interface SnapshotRequest {
  resources: StageResources;
  window: MetricsWindow;
}

type Group = 'source' | 'target' | 'loadBalancer';
const GROUP_WORDS: Record<Group, string> = { source: 'source proxy', target: 'target proxy', loadBalancer: 'load balancer' };

interface PlannedQuery {
  request: number;
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

function plan(index: number, resources: StageResources): PlannedQuery[] {
  const lb = { Name: 'LoadBalancer', Value: resources.loadBalancer.dimension };
  const queries: PlannedQuery[] = [];
  for (const group of ['source', 'target'] as const) {
    const tg = group === 'source' ? resources.sourceProxyTargetGroup : resources.targetProxyTargetGroup;
    for (const def of TARGET_GROUP_METRICS) {
      queries.push({
        request: index,
        group,
        key: def.key,
        words: `${GROUP_WORDS[group]} ${def.words}`,
        query: {
          Id: `q${index}_${group}_${def.key}`.toLowerCase(),
          // Target group metrics are published per (TargetGroup, LoadBalancer) pair.
          MetricStat: {
            Metric: { Namespace: NAMESPACE, MetricName: def.metricName, Dimensions: [{ Name: 'TargetGroup', Value: tg.dimension }, lb] },
            Period: 60,
            Stat: def.stat,
          },
          ReturnData: true,
        },
      });
    }
  }
  for (const def of LOAD_BALANCER_METRICS) {
    queries.push({
      request: index,
      group: 'loadBalancer',
      key: def.key,
      words: `${GROUP_WORDS.loadBalancer} ${def.words}`,
      query: {
        Id: `q${index}_lb_${def.key}`.toLowerCase(),
        MetricStat: { Metric: { Namespace: NAMESPACE, MetricName: def.metricName, Dimensions: [lb] }, Period: 60, Stat: def.stat },
        ReturnData: true,
      },
    });
  }
  return queries;
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
    const [snapshot] = await this.snapshotMany([{ resources, window }]);
    return snapshot!;
  }

  /**
   * Snapshots of several stages (in the order asked), batched into as few GetMetricData calls as the
   * 500-query limit allows; one call covers the union of the windows and each stage keeps its own minutes.
   */
  async snapshotMany(requests: readonly SnapshotRequest[]): Promise<MetricsSnapshot[]> {
    const now = this.clock.now();
    const snapshots: MetricsSnapshot[] = requests.map((r) => ({
      window: completeMinutes(r.window, now),
      source: {},
      target: {},
      loadBalancer: {},
      missing: [],
    }));
    const planned = requests.flatMap((r, i) => (snapshots[i]!.window.end > snapshots[i]!.window.start ? [plan(i, r.resources)] : []));

    // Whole stages per call, so one stage never depends on two calls.
    const chunks: PlannedQuery[][] = [];
    for (const stageQueries of planned) {
      const last = chunks[chunks.length - 1];
      if (last && last.length + stageQueries.length <= MAX_QUERIES_PER_CALL) last.push(...stageQueries);
      else chunks.push([...stageQueries]);
    }
    await Promise.all(chunks.map((chunk) => this.fetch(chunk, snapshots)));
    return snapshots;
  }

  private async fetch(chunk: PlannedQuery[], snapshots: MetricsSnapshot[]): Promise<void> {
    const windows = [...new Set(chunk.map((q) => q.request))].map((i) => snapshots[i]!.window);
    const start = Math.min(...windows.map((w) => w.start));
    const end = Math.max(...windows.map((w) => w.end));

    let results: Map<string, MetricDataResult>;
    try {
      results = await this.getAll(chunk.map((q) => q.query), start, end);
    } catch (error) {
      const reason = why(error);
      for (const i of new Set(chunk.map((q) => q.request))) {
        snapshots[i]!.missing.push(`every metric: source proxy, target proxy and load balancer (${reason})`);
      }
      return;
    }

    for (const q of chunk) {
      const snapshot = snapshots[q.request]!;
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
      const { start: from, end: to } = snapshot.window;
      const points: MetricSeries = [];
      const timestamps = result.Timestamps ?? [];
      const values = result.Values ?? [];
      timestamps.forEach((ts, n) => {
        const t = ts.getTime();
        const v = values[n];
        if (v !== undefined && Number.isFinite(v) && t >= from && t < to) points.push({ t, v });
      });
      points.sort((a, b) => a.t - b.t);
      (snapshot[q.group] as Record<string, MetricSeries>)[q.key] = points;
    }
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
