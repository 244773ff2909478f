// Target group health in the terms the runbook checks: all healthy, none draining.
import type { TargetGroupHealth, TargetHealthEntry, TargetState } from './types';

export interface HealthSummary {
  total: number;
  healthy: number;
  unhealthy: number;
  initial: number;
  draining: number;
  unused: number;
  unavailable: number;
  /** Targets that are not healthy, with AWS's reason codes, e.g. "10.0.1.5:9200 unhealthy (Target.FailedHealthChecks)". */
  problems: string[];
}

const COUNTED: Record<TargetState, keyof Omit<HealthSummary, 'total' | 'problems'>> = {
  healthy: 'healthy',
  unhealthy: 'unhealthy',
  initial: 'initial',
  draining: 'draining',
  'unhealthy.draining': 'draining',
  unused: 'unused',
  unavailable: 'unavailable',
};

export function describeTarget(target: TargetHealthEntry): string {
  const where = target.port === undefined ? target.id : `${target.id}:${target.port}`;
  const why = [target.reason, target.description].filter(Boolean).join(': ');
  return `${where} ${target.state}${why ? ` (${why})` : ''}`;
}

export function summarizeHealth(health: TargetGroupHealth): HealthSummary {
  const summary: HealthSummary = {
    total: health.targets.length,
    healthy: 0,
    unhealthy: 0,
    initial: 0,
    draining: 0,
    unused: 0,
    unavailable: 0,
    problems: [],
  };
  for (const target of health.targets) {
    summary[COUNTED[target.state]]++;
    if (target.state !== 'healthy') summary.problems.push(describeTarget(target));
  }
  return summary;
}

/** The runbook's bar: at least one target, every target healthy, none draining. */
export function allHealthy(summary: HealthSummary): boolean {
  return summary.total > 0 && summary.healthy === summary.total;
}

/** E.g. "3/3 healthy" or "1/3 healthy, 1 draining, 1 initial". */
export function describeHealth(summary: HealthSummary): string {
  if (summary.total === 0) return 'no registered targets';
  const parts = [`${summary.healthy}/${summary.total} healthy`];
  for (const key of ['unhealthy', 'initial', 'draining', 'unused', 'unavailable'] as const) {
    if (summary[key] > 0) parts.push(`${summary[key]} ${key}`);
  }
  return parts.join(', ');
}
