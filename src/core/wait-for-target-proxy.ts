// Runbook step 2's "wait for tasks to start up and verify all targets are healthy": polls the target proxy
// service and its target group on the core's clock until both agree it is ready, or the time is up.
import { plainMessage } from './format';
import { allHealthy, describeTarget, summarizeHealth, type HealthSummary } from './health';
import type { Clock, EcsPort, LoadBalancerPort } from './ports';
import type { EcsServiceCounts, StageResources, TargetGroupHealth } from './types';

export interface TargetProxyReading {
  service: EcsServiceCounts;
  health: TargetGroupHealth;
  summary: HealthSummary;
}

export interface Readiness {
  ready: boolean;
  /** E.g. "2/3 tasks running, 1/3 targets healthy (1 initial)". */
  detail: string;
}

/**
 * Ready means: the service runs its desired count with nothing pending, no older deployment still has
 * tasks (a rollout in progress would leave draining targets), and the target group has at least as many
 * targets as desired tasks, every one healthy, none draining. A rollout state of IN_PROGRESS alone does not
 * hold prep back once counts and health agree: ECS marks it COMPLETED only after its own steady-state wait.
 */
export function targetProxyReadiness(service: EcsServiceCounts, summary: HealthSummary): Readiness {
  const active = service.deployments.filter((d) => d.status !== 'INACTIVE');
  const failedTasks = service.deployments.reduce((n, d) => n + d.failedTasks, 0);
  const rolloutFailed = active.some((d) => d.rolloutState === 'FAILED');
  const expected = Math.max(service.desired, summary.total);

  const tasks = [`${service.running}/${service.desired} tasks running`];
  if (service.pending > 0) tasks.push(`${service.pending} pending`);
  if (failedTasks > 0) tasks.push(`${failedTasks} failed to start`);
  if (active.length > 1) tasks.push(`deployment in progress (${active.length} deployments)`);
  if (rolloutFailed) tasks.push('rollout FAILED');

  const notHealthy = (['unhealthy', 'initial', 'draining', 'unused', 'unavailable'] as const)
    .filter((k) => summary[k] > 0)
    .map((k) => `${summary[k]} ${k}`);
  const targets = `${summary.healthy}/${expected} targets healthy${notHealthy.length ? ` (${notHealthy.join(', ')})` : ''}`;

  const ready =
    service.desired > 0 &&
    service.running === service.desired &&
    service.pending === 0 &&
    active.length <= 1 &&
    allHealthy(summary) &&
    summary.healthy >= service.desired;
  return { ready, detail: `${tasks.join(', ')}, ${targets}` };
}

export interface WaitOptions {
  timeoutMs: number;
  pollMs: number;
  /** Consecutive failed polls that end the wait (an IAM or configuration problem will not heal by itself). */
  maxConsecutiveErrors?: number;
  /** Called after every poll; must not throw (runPrep hands in a guarded progress reporter). */
  onPoll?: (readiness: Readiness) => void | Promise<void>;
}

export type WaitResult =
  | { outcome: 'ready'; reading: TargetProxyReading; detail: string }
  | { outcome: 'timeout'; reading?: TargetProxyReading; detail: string; lastError?: string }
  | { outcome: 'error'; error: string; reading?: TargetProxyReading };

/** Polls immediately, then every `pollMs` of the clock's time, until ready or `timeoutMs` has passed. */
export async function waitForTargetProxy(
  deps: { ecs: EcsPort; loadBalancer: LoadBalancerPort; clock: Clock },
  resources: StageResources,
  options: WaitOptions,
): Promise<WaitResult> {
  const started = deps.clock.now();
  const maxErrors = options.maxConsecutiveErrors ?? 3;
  let reading: TargetProxyReading | undefined;
  let detail = 'no reading yet';
  let lastError: string | undefined;
  let errors = 0;
  for (;;) {
    let readiness: Readiness;
    try {
      const [services, health] = await Promise.all([
        deps.ecs.describeProxies(resources),
        deps.loadBalancer.targetHealth(resources.targetProxyTargetGroup),
      ]);
      reading = { service: services.targetProxy, health, summary: summarizeHealth(health) };
      readiness = targetProxyReadiness(reading.service, reading.summary);
      detail = readiness.detail;
      errors = 0;
      lastError = undefined;
    } catch (error) {
      // AWS adapters already retry throttling; what still fails is worth a few more polls, not 15 minutes.
      errors++;
      lastError = plainMessage(error);
      if (errors >= maxErrors) return { outcome: 'error', error: lastError, reading };
      readiness = { ready: false, detail: `${detail} (last reading failed: ${lastError})` };
    }
    await options.onPoll?.(readiness);
    if (readiness.ready && reading) return { outcome: 'ready', reading, detail };
    const remaining = started + options.timeoutMs - deps.clock.now();
    if (remaining <= 0) return { outcome: 'timeout', reading, detail, lastError };
    await deps.clock.sleep(Math.min(options.pollMs, remaining));
  }
}

/** Why the target proxy is not ready, one line per cause, for the blocked verdict. */
export function notReadyReasons(reading: TargetProxyReading): string[] {
  const reasons: string[] = [];
  const { service, summary, health } = reading;
  if (service.running < service.desired) {
    reasons.push(`The target proxy runs ${service.running} of ${service.desired} desired tasks.`);
  }
  if (summary.total === 0) {
    reasons.push(`No target is registered in the target proxy group ${health.targetGroup.name}.`);
  }
  for (const target of health.targets) {
    if (target.state !== 'healthy') reasons.push(`Target proxy group: ${describeTarget(target)}.`);
  }
  if (summary.total > 0 && summary.healthy < service.desired && summary.total < service.desired) {
    reasons.push(
      `Only ${summary.total} target(s) registered in ${health.targetGroup.name} for ${service.desired} desired target proxy tasks.`,
    );
  }
  return reasons;
}
