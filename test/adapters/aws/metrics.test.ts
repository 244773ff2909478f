import { CloudWatchClient, GetMetricDataCommand, type MetricDataResult, type MetricStat } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { ManualClock } from '../../../src/adapters/clock';
import { AwsMetrics } from '../../../src/adapters/aws/metrics';
import { MINUTE_MS } from '../../../src/core/types';
import { sentInputs } from '../../support/aws-pages';
import { stageResources } from '../../support/fake-ports';

// Eight metrics per proxy target group and three of the load balancer.
const QUERIES = 8 * 2 + 3;
const NOW = Date.UTC(2026, 0, 1, 12, 0, 30); // 30 s into an incomplete minute
const T0 = Date.UTC(2026, 0, 1, 11, 50);

function setup() {
  const client = new CloudWatchClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const clock = new ManualClock(NOW);
  return { mock: mockClient(client), metrics: new AwsMetrics(client, clock) };
}

const complete = (Id: string, points: [number, number][] = []): MetricDataResult => ({
  Id,
  StatusCode: 'Complete',
  Timestamps: points.map(([t]) => new Date(t)),
  Values: points.map(([, v]) => v),
});

describe('AwsMetrics.snapshot', () => {
  it('asks for every ALB metric of a stage in one GetMetricData, per minute, without the incomplete minute', async () => {
    const { mock, metrics } = setup();
    mock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    const dev = stageResources('dev');

    await metrics.snapshot(dev, { start: T0, end: NOW + 5 * MINUTE_MS });

    expect(mock.calls()).toHaveLength(1);
    const input = mock.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(input.StartTime).toEqual(new Date(T0));
    expect(input.EndTime).toEqual(new Date(Date.UTC(2026, 0, 1, 12, 0)));
    expect(input.MetricDataQueries).toHaveLength(QUERIES);
    const byId: Record<string, MetricStat | undefined> = Object.fromEntries(input.MetricDataQueries!.map((q) => [q.Id, q.MetricStat]));
    expect(byId.target_latencyp99).toEqual({
      Metric: {
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'TargetResponseTime',
        Dimensions: [
          { Name: 'TargetGroup', Value: dev.targetProxyTargetGroup.dimension },
          { Name: 'LoadBalancer', Value: dev.loadBalancer.dimension },
        ],
      },
      Period: 60,
      Stat: 'p99',
    });
    expect(byId.source_http5xx).toMatchObject({ Metric: { MetricName: 'HTTPCode_Target_5XX_Count' }, Stat: 'Sum' });
    expect(byId.target_connectionerrors).toEqual({
      Metric: {
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'TargetConnectionErrorCount',
        Dimensions: [
          { Name: 'TargetGroup', Value: dev.targetProxyTargetGroup.dimension },
          { Name: 'LoadBalancer', Value: dev.loadBalancer.dimension },
        ],
      },
      Period: 60,
      Stat: 'Sum',
    });
    expect(byId.lb_elb5xx).toEqual({
      Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'HTTPCode_ELB_5XX_Count', Dimensions: [{ Name: 'LoadBalancer', Value: dev.loadBalancer.dimension }] },
      Period: 60,
      Stat: 'Sum',
    });
    expect(byId.lb_newconnections).toEqual({
      Metric: { Namespace: 'AWS/ApplicationELB', MetricName: 'NewConnectionCount', Dimensions: [{ Name: 'LoadBalancer', Value: dev.loadBalancer.dimension }] },
      Period: 60,
      Stat: 'Sum',
    });
    expect(Object.values(byId).map((m) => `${m!.Metric!.MetricName}:${m!.Stat}`).sort()).toEqual(
      [
        ...['RequestCount:Sum', 'HTTPCode_Target_2XX_Count:Sum', 'HTTPCode_Target_3XX_Count:Sum', 'HTTPCode_Target_4XX_Count:Sum', 'HTTPCode_Target_5XX_Count:Sum'],
        ...['TargetResponseTime:Average', 'TargetResponseTime:p99', 'TargetConnectionErrorCount:Sum'],
      ]
        .flatMap((m) => [m, m])
        .concat(['ActiveConnectionCount:Sum', 'NewConnectionCount:Sum', 'HTTPCode_ELB_5XX_Count:Sum'])
        .sort(),
    );
  });

  it('keeps a fetched series without datapoints (no traffic) apart from one that failed (unknown)', async () => {
    const { mock, metrics } = setup();
    mock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        complete('source_requests', [
          [T0 + MINUTE_MS, 80],
          [T0, 100],
        ]),
        complete('target_requests'),
        { Id: 'target_latencyp99', StatusCode: 'InternalError', Messages: [{ Code: 'InternalError', Value: 'Throttling: Rate exceeded' }] },
      ],
    });

    const snap = await metrics.snapshot(stageResources('dev'), { start: T0, end: T0 + 10 * MINUTE_MS });

    expect(snap.source.requests).toEqual([
      { t: T0, v: 100 },
      { t: T0 + MINUTE_MS, v: 80 },
    ]);
    expect(snap.target.requests).toEqual([]);
    expect(snap.target.latencyP99).toBeUndefined();
    expect(snap.missing).toContain('target proxy p99 latency (CloudWatch: InternalError: Throttling: Rate exceeded)');
    expect(snap.missing).toContain('load balancer new connections (CloudWatch returned no result for it)');
    expect(snap.window).toEqual({ start: T0, end: T0 + 10 * MINUTE_MS });
  });

  it('never throws when CloudWatch fails: it says every metric is missing and why', async () => {
    const { mock, metrics } = setup();
    mock.on(GetMetricDataCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'Throttling', $metadata: { httpStatusCode: 400, attempts: 5 } }));

    const snap = await metrics.snapshot(stageResources('dev'), { start: T0, end: T0 + 5 * MINUTE_MS });

    expect(snap).toEqual({
      window: { start: T0, end: T0 + 5 * MINUTE_MS },
      source: {},
      target: {},
      loadBalancer: {},
      missing: ['every metric: source proxy, target proxy and load balancer (CloudWatch: Throttling: Rate exceeded)'],
    });
  });

  it('names the IAM action when GetMetricData is denied', async () => {
    const { mock, metrics } = setup();
    mock.on(GetMetricDataCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
    const snap = await metrics.snapshot(stageResources('dev'), { start: T0, end: T0 + 5 * MINUTE_MS });
    expect(snap.missing).toEqual(['every metric: source proxy, target proxy and load balancer (CloudWatch: missing IAM permission cloudwatch:GetMetricData)']);
  });

  it('follows NextToken and joins the pages of a series', async () => {
    const { mock, metrics } = setup();
    const sent = sentInputs(mock, GetMetricDataCommand, {}, (input) =>
      input.NextToken === 'next'
        ? { MetricDataResults: [complete('source_requests', [[T0 + MINUTE_MS, 20]])] }
        : { MetricDataResults: [{ ...complete('source_requests', [[T0, 10]]), StatusCode: 'PartialData' as const }], NextToken: 'next' },
    );

    const snap = await metrics.snapshot(stageResources('dev'), { start: T0, end: T0 + 5 * MINUTE_MS });

    // The same request twice, the second with the first page's token.
    const request = { MetricDataQueries: expect.any(Array), StartTime: new Date(T0), EndTime: new Date(T0 + 5 * MINUTE_MS), ScanBy: 'TimestampAscending', MaxDatapoints: undefined };
    expect(sent).toStrictEqual([
      { ...request, NextToken: undefined },
      { ...request, NextToken: 'next' },
    ]);
    expect(sent[1]!.MetricDataQueries).toEqual(sent[0]!.MetricDataQueries);
    expect(sent[0]!.MetricDataQueries).toHaveLength(QUERIES);
    expect(snap.source.requests).toEqual([
      { t: T0, v: 10 },
      { t: T0 + MINUTE_MS, v: 20 },
    ]);
  });

  it('makes no call for a window with no complete minute', async () => {
    const { mock, metrics } = setup();
    const snap = await metrics.snapshot(stageResources('dev'), { start: Date.UTC(2026, 0, 1, 12, 0), end: NOW });
    expect(mock.calls()).toHaveLength(0);
    expect(snap.missing).toEqual([]);
  });
});
