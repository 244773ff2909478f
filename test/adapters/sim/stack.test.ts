import { ManualClock } from '../../../src/adapters/clock';
import { settledWindow } from '../../../src/core/traffic';
import type { MetricSeries, StageResources } from '../../../src/core/types';
import { MINUTE_MS } from '../../../src/core/types';
import { simulatedPorts, type SimulatedPorts } from '../../support/sim';

const total = (series: MetricSeries | undefined) => (series ?? []).reduce((sum, p) => sum + p.v, 0);
const last = (series: MetricSeries | undefined) => series?.[series.length - 1]?.v ?? 0;

async function minuteTotals(sim: SimulatedPorts, stage: StageResources, minutes = 1) {
  const snap = await sim.ports.metrics.snapshot(stage, settledWindow(sim.clock.now(), minutes));
  return {
    source: total(snap.source.requests),
    target: total(snap.target.requests),
    elb5xx: total(snap.loadBalancer.elb5xx),
    targetErrors: total(snap.target.http5xx),
    snap,
  };
}

describe('simulated Migration Assistant stack', () => {
  let sim: SimulatedPorts;
  beforeEach(() => {
    sim = simulatedPorts(new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 0)));
  });

  it('has dev (listener 443, capture proxy 3, target proxy 0) and staging (listener 9200, target proxy 2 healthy)', async () => {
    expect(await sim.ports.resolver.listStages()).toEqual(['dev', 'staging']);
    const dev = await sim.ports.resolver.resolve('dev');
    const staging = await sim.ports.resolver.resolve('staging');
    expect(dev.switchoverListener.port).toBe(443);
    expect(staging.switchoverListener.port).toBe(9200);
    expect(dev.loadBalancer.arn).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\/MigrationAssistant-dev\/[0-9a-f]{16}$/);
    expect(dev.targetProxyTargetGroup.dimension).toMatch(/^targetgroup\/ALBTargetProxy-dev-TG\/[0-9a-f]{16}$/);

    const devEcs = await sim.ports.ecs.describeProxies(dev);
    expect([devEcs.captureProxy.desired, devEcs.captureProxy.running, devEcs.targetProxy.desired]).toEqual([3, 3, 0]);
    const stagingHealth = await sim.ports.loadBalancer.targetHealth(staging.targetProxyTargetGroup);
    expect(stagingHealth.targets.map((t) => t.state)).toEqual(['healthy', 'healthy']);
    expect(await sim.ports.loadBalancer.readListener(dev)).toMatchObject({ weights: { source: 1, target: 0 }, stickiness: { enabled: false } });
  });

  it('starts tasks after a delay; their targets go initial, then healthy', async () => {
    const dev = await sim.ports.resolver.resolve('dev');
    await sim.ports.ecs.setTargetProxyDesiredCount(dev, 3);

    let proxies = await sim.ports.ecs.describeProxies(dev);
    expect(proxies.targetProxy).toMatchObject({ desired: 3, running: 0, pending: 3, deployments: [{ rolloutState: 'IN_PROGRESS' }] });
    expect((await sim.ports.loadBalancer.targetHealth(dev.targetProxyTargetGroup)).targets).toEqual([]);

    await sim.clock.advance(45_000);
    const initial = await sim.ports.loadBalancer.targetHealth(dev.targetProxyTargetGroup);
    expect(initial.targets.map((t) => [t.state, t.reason])).toEqual(Array(3).fill(['initial', 'Elb.RegistrationInProgress']));
    proxies = await sim.ports.ecs.describeProxies(dev);
    expect(proxies.targetProxy).toMatchObject({ running: 3, pending: 0 });

    await sim.clock.advance(30_000);
    const healthy = await sim.ports.loadBalancer.targetHealth(dev.targetProxyTargetGroup);
    expect(healthy.targets.map((t) => t.state)).toEqual(['healthy', 'healthy', 'healthy']);
    expect(healthy.targets.every((t) => /^10\.0\.\d+\.\d+$/.test(t.id) && t.port === 9200)).toBe(true);
    expect((await sim.ports.ecs.describeProxies(dev)).targetProxy.deployments[0]!.rolloutState).toBe('COMPLETED');
  });

  it('drains targets for the deregistration delay when scaling down', async () => {
    const staging = await sim.ports.resolver.resolve('staging');
    await sim.ports.ecs.setTargetProxyDesiredCount(staging, 1);
    await sim.clock.advance(5_000);
    const draining = await sim.ports.loadBalancer.targetHealth(staging.targetProxyTargetGroup);
    expect(draining.targets.map((t) => t.state).sort()).toEqual(['draining', 'healthy']);
    expect(draining.targets.find((t) => t.state === 'draining')!.reason).toBe('Target.DeregistrationInProgress');

    await sim.clock.advance(300_000);
    expect((await sim.ports.loadBalancer.targetHealth(staging.targetProxyTargetGroup)).targets.map((t) => t.state)).toEqual(['healthy']);
  });

  it('has a traffic history, published only for complete minutes a minute late', async () => {
    const dev = await sim.ports.resolver.resolve('dev');
    const now = sim.clock.now();
    const snap = await sim.ports.metrics.snapshot(dev, { start: now - 15 * MINUTE_MS, end: now });
    // The last minute is not published yet (publication delay); the fourteen before it are.
    expect(snap.source.requests!.map((p) => p.t)).toEqual(Array.from({ length: 14 }, (_, i) => now - 15 * MINUTE_MS + i * MINUTE_MS));
    expect(snap.source.requests!.every((p) => p.v > 1000 && p.v < 1400)).toBe(true);
    expect(snap.target.requests).toEqual([]); // fetched, no traffic: no datapoints
    expect(snap.target.latencyP99).toEqual([]);
    expect(last(snap.source.latencyAvg)).toBeGreaterThan(0.03);
    expect(last(snap.source.latencyP99)).toBeGreaterThan(last(snap.source.latencyAvg));
    expect(last(snap.loadBalancer.activeConnections)).toBeGreaterThan(last(snap.loadBalancer.newConnections));
    expect(snap.missing).toEqual([]);
  });

  it('follows the weights for new connections while keep-alive connections stay on the source until clients reconnect', async () => {
    const staging = await sim.ports.resolver.resolve('staging');
    const current = await sim.ports.loadBalancer.readListener(staging);
    await sim.ports.loadBalancer.setWeights(staging, current, { source: 0, target: 100 });
    expect((await sim.ports.loadBalancer.readListener(staging)).weights).toEqual({ source: 0, target: 100 });

    await sim.clock.advance(3 * MINUTE_MS);
    const early = await minuteTotals(sim, staging);
    expect(early.target).toBeGreaterThan(300); // new connections follow the weights at once
    expect(early.source).toBeGreaterThan(300); // keep-alive connections are still pinned to the source

    await sim.clock.advance(30 * MINUTE_MS);
    const late = await minuteTotals(sim, staging);
    expect(late.source).toBeLessThan(early.source / 5);
    expect(late.source + late.target).toBeGreaterThan(700);
  });

  it('drops pinned connections when the capture proxy is restarted', async () => {
    const staging = await sim.ports.resolver.resolve('staging');
    await sim.ports.loadBalancer.setWeights(staging, await sim.ports.loadBalancer.readListener(staging), { source: 0, target: 100 });
    await sim.clock.advance(2 * MINUTE_MS);
    await sim.ports.ecs.restartCaptureProxy(staging);
    const restarting = await sim.ports.ecs.describeProxies(staging);
    expect(restarting.captureProxy.deployments.map((d) => d.status)).toEqual(['PRIMARY', 'ACTIVE']);

    await sim.clock.advance(6 * MINUTE_MS);
    const after = await minuteTotals(sim, staging);
    expect(after.source).toBe(0);
    // The old tasks stop once the deregistration delay (300 s) is over.
    await sim.clock.advance(2 * MINUTE_MS);
    const done = await sim.ports.ecs.describeProxies(staging);
    expect(done.captureProxy.deployments.map((d) => [d.status, d.rolloutState])).toEqual([['PRIMARY', 'COMPLETED']]);
  });

  it('answers 503 from the load balancer itself for traffic weighted to a group without targets', async () => {
    const dev = await sim.ports.resolver.resolve('dev');
    await sim.ports.loadBalancer.setWeights(dev, await sim.ports.loadBalancer.readListener(dev), { source: 50, target: 50 });
    await sim.clock.advance(4 * MINUTE_MS);
    const totals = await minuteTotals(sim, dev);
    expect(totals.elb5xx).toBeGreaterThan(100);
    expect(totals.target).toBe(0);
  });

  it('injects unhealthy targets with a reason code, and an error spike on the target side', async () => {
    const staging = await sim.ports.resolver.resolve('staging');
    sim.stack.setUnhealthy('staging', 'target', 'Target.ResponseCodeMismatch');
    const health = await sim.ports.loadBalancer.targetHealth(staging.targetProxyTargetGroup);
    expect(health.targets[0]).toMatchObject({ state: 'unhealthy', reason: 'Target.ResponseCodeMismatch', description: 'Health checks failed with these codes: [502]' });
    sim.stack.setUnhealthy('staging', 'target', undefined);

    await sim.ports.loadBalancer.setWeights(staging, await sim.ports.loadBalancer.readListener(staging), { source: 50, target: 50 });
    sim.stack.setErrorSpike('staging', 0.2);
    await sim.clock.advance(4 * MINUTE_MS);
    const spiking = await minuteTotals(sim, staging);
    expect(spiking.targetErrors / spiking.target).toBeGreaterThan(0.1);
    expect(last(spiking.snap.target.latencyP99)).toBeGreaterThan(last(spiking.snap.source.latencyP99));
  });
});
