import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ManualClock } from '../../../src/adapters/clock';
import { AwsCallError } from '../../../src/adapters/aws/errors';
import { settledWindow } from '../../../src/core/traffic';
import { simulatedPorts } from '../../support/sim';

function setup(maxAttempts = 3) {
  return simulatedPorts(new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0)), { maxAttempts });
}

describe('simulated AWS transport', () => {
  it('costs a fixed number of calls for a status, whatever the number of targets', async () => {
    const sim = setup();
    const dev = await sim.ports.resolver.resolve('dev');
    expect(sim.stack.calls).toEqual({ DescribeLoadBalancers: 1, DescribeTargetGroups: 1, DescribeListeners: 1 });
    await sim.ports.ecs.setTargetProxyDesiredCount(dev, 12);
    await sim.clock.advance(120_000);
    sim.stack.resetCalls();

    await sim.ports.resolver.resolve('dev'); // cached
    await sim.ports.loadBalancer.readListener(dev);
    await sim.ports.loadBalancer.targetHealth(dev.sourceProxyTargetGroup);
    const target = await sim.ports.loadBalancer.targetHealth(dev.targetProxyTargetGroup);
    await sim.ports.ecs.describeProxies(dev);
    await sim.ports.metrics.snapshot(dev, settledWindow(sim.clock.now(), 15));

    expect(target.targets).toHaveLength(12);
    expect(sim.stack.calls).toEqual({ DescribeRules: 1, DescribeTargetHealth: 2, DescribeServices: 1, GetMetricData: 1 });
  });

  it('throttles the next calls of an operation; the SDK retries them', async () => {
    const sim = setup(3);
    const dev = await sim.ports.resolver.resolve('dev');
    sim.stack.faults.DescribeRules = { throttle: 2 };
    sim.stack.resetCalls();

    expect((await sim.ports.loadBalancer.readListener(dev)).weights).toEqual({ source: 1, target: 0 });
    expect(sim.stack.calls.DescribeRules).toBe(3);

    sim.stack.faults.DescribeRules = { throttle: 3 };
    const error = await sim.ports.loadBalancer.readListener(dev).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ code: 'Throttling' });
    expect((error as Error).message).toBe(
      'elasticloadbalancing:DescribeRules was throttled by AWS after 3 attempts (Throttling: Rate exceeded). Try again in a minute.',
    );
  });

  it('answers 5xx and times out on demand, per operation', async () => {
    const sim = setup(2);
    const dev = await sim.ports.resolver.resolve('dev');
    sim.stack.faults.DescribeServices = { serverError: 1 };
    expect((await sim.ports.ecs.describeProxies(dev)).captureProxy.desired).toBe(3);
    sim.stack.faults.DescribeServices = { serverError: 2 };
    await expect(sim.ports.ecs.describeProxies(dev)).rejects.toThrow(
      'ecs:DescribeServices failed with an AWS server error after 2 attempts (500 ServerException: An internal error occurred (simulated)). Try again shortly.',
    );
    sim.stack.faults.DescribeTargetHealth = { timeout: 2 };
    await expect(sim.ports.loadBalancer.targetHealth(dev.sourceProxyTargetGroup)).rejects.toMatchObject({ code: 'TimeoutError' });
    sim.stack.faults.DescribeTargetHealth = { latencyMs: 1 };
    expect((await sim.ports.loadBalancer.targetHealth(dev.sourceProxyTargetGroup)).targets).toHaveLength(3);
  });

  it('refuses with AccessDenied, which the adapter turns into the missing IAM action', async () => {
    const sim = setup();
    const dev = await sim.ports.resolver.resolve('dev');
    const current = await sim.ports.loadBalancer.readListener(dev);
    sim.stack.faults.ModifyListener = { accessDenied: true };
    await expect(sim.ports.loadBalancer.setWeights(dev, current, { source: 0, target: 1 })).rejects.toThrow(
      `missing IAM permission elasticloadbalancing:ModifyListener on ${dev.switchoverListener.arn}`,
    );
    expect((await sim.ports.loadBalancer.readListener(dev)).weights).toEqual({ source: 1, target: 0 });
  });

  it('validates weights as AWS does (0-999), whoever sends them', async () => {
    const sim = setup();
    const dev = await sim.ports.resolver.resolve('dev');
    const send = (weight: number) =>
      sim.clients.elbv2.send(
        new ModifyListenerCommand({
          ListenerArn: dev.switchoverListener.arn,
          DefaultActions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: dev.sourceProxyTargetGroup.arn, Weight: 0 },
                  { TargetGroupArn: dev.targetProxyTargetGroup.arn, Weight: weight },
                ],
              },
            },
          ],
        }),
      );
    await expect(send(1000)).rejects.toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
    await send(999);
    expect((await sim.ports.loadBalancer.readListener(dev)).weights).toEqual({ source: 0, target: 999 });
  });

  it('reports a CloudWatch outage, or one failing statistic, as missing numbers', async () => {
    const sim = setup();
    const dev = await sim.ports.resolver.resolve('dev');
    const window = settledWindow(sim.clock.now(), 10);

    sim.stack.failingMetrics.add('TargetResponseTime:p99');
    const partial = await sim.ports.metrics.snapshot(dev, window);
    expect(partial.missing).toEqual([
      'source proxy p99 latency (CloudWatch: InternalError: Internal error while retrieving datapoints (simulated))',
      'target proxy p99 latency (CloudWatch: InternalError: Internal error while retrieving datapoints (simulated))',
    ]);
    expect(partial.source.latencyP99).toBeUndefined();
    expect(partial.source.requests!.length).toBeGreaterThan(0);

    sim.stack.cloudWatchDown = true;
    const down = await sim.ports.metrics.snapshot(dev, window);
    expect(down.missing).toEqual([
      'every metric: source proxy, target proxy and load balancer (CloudWatch: ServiceUnavailable: Service Unavailable (simulated CloudWatch outage))',
    ]);
    // The load balancer still answers: fallback never needs CloudWatch.
    expect((await sim.ports.loadBalancer.readListener(dev)).weights).toEqual({ source: 1, target: 0 });
  });

  it('answers a wrong ECS cluster and a missing service as ECS does', async () => {
    const sim = setup();
    const dev = await sim.ports.resolver.resolve('dev');
    await expect(sim.ports.ecs.describeProxies({ ...dev, ecsCluster: 'nope' })).rejects.toThrow('no ECS cluster named `nope`');
    await expect(sim.ports.ecs.describeProxies({ ...dev, targetProxyService: 'gone' })).rejects.toThrow(
      'the target proxy ECS service `gone` in cluster `migration-dev-ecs-cluster` is not found (MISSING)',
    );
  });
});

describe('simulated CloudWatch: only the dimension sets AWS/ApplicationELB publishes', () => {
  // Per-target-group metrics exist only as {TargetGroup, LoadBalancer} (and with AvailabilityZone); load
  // balancer metrics as {LoadBalancer}. A query for any other combination finds no metric: no datapoints.
  async function query(dimensions: { Name: string; Value: string }[], metricName: string, stat: string) {
    const sim = setup();
    const dev = await sim.ports.resolver.resolve('dev');
    await sim.clock.advance(20 * 60_000);
    const window = settledWindow(sim.clock.now(), 15);
    const dims = (names: string[]) =>
      dimensions.concat(
        names.map((n) => (n === 'TargetGroup' ? { Name: n, Value: dev.sourceProxyTargetGroup.dimension } : { Name: n, Value: dev.loadBalancer.dimension })),
      );
    return { sim, dev, window, dims, metricName, stat };
  }

  async function values(names: string[], metricName: string, stat: string): Promise<number[]> {
    const q = await query([], metricName, stat);
    const out = await q.sim.clients.cloudwatch.send(
      new GetMetricDataCommand({
        MetricDataQueries: [
          { Id: 'm1', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: metricName, Dimensions: q.dims(names) }, Period: 60, Stat: stat } },
        ],
        StartTime: new Date(q.window.start),
        EndTime: new Date(q.window.end),
      }),
    );
    return out.MetricDataResults?.[0]?.Values ?? [];
  }

  it.each([
    ['RequestCount', 'Sum'],
    ['HTTPCode_Target_5XX_Count', 'Sum'],
    ['TargetResponseTime', 'p99'],
    ['TargetResponseTime', 'Average'],
  ])('%s (%s) per target group needs both TargetGroup and LoadBalancer', async (metricName, stat) => {
    expect((await values(['TargetGroup', 'LoadBalancer'], metricName, stat)).length).toBeGreaterThan(0);
    expect(await values(['TargetGroup'], metricName, stat)).toEqual([]);
  });

  it('connection counts have no per-group series', async () => {
    expect(await values(['TargetGroup', 'LoadBalancer'], 'ActiveConnectionCount', 'Sum')).toEqual([]);
    expect((await values(['LoadBalancer'], 'ActiveConnectionCount', 'Sum')).length).toBeGreaterThan(0);
  });

  it('the metrics adapter asks for exactly those dimension sets', async () => {
    const { sim, dev, window } = await query([], 'RequestCount', 'Sum');
    const snapshot = await sim.ports.metrics.snapshot(dev, window);
    expect(snapshot.missing).toEqual([]);
    for (const key of ['requests', 'http2xx', 'latencyAvg', 'latencyP99'] as const) {
      expect(snapshot.source[key]!.length).toBeGreaterThan(0);
    }
    expect(snapshot.loadBalancer.activeConnections!.length).toBeGreaterThan(0);
  });
});
