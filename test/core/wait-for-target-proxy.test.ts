import { summarizeHealth } from '../../src/core/health';
import { targetProxyReadiness } from '../../src/core/wait-for-target-proxy';
import type { EcsServiceCounts, TargetHealthEntry } from '../../src/core/types';
import { serviceCounts, stageResources } from '../support/fake-ports';

const group = stageResources('dev').targetProxyTargetGroup;
const healthy = (n: number): TargetHealthEntry[] => Array.from({ length: n }, (_, i) => ({ id: `10.0.1.${i}`, state: 'healthy' }));
const readiness = (service: EcsServiceCounts, targets: TargetHealthEntry[]) =>
  targetProxyReadiness(service, summarizeHealth({ targetGroup: group, targets }));

describe('targetProxyReadiness', () => {
  it('is ready when every desired task runs and as many targets are all healthy', () => {
    expect(readiness(serviceCounts('t', 3), healthy(3))).toEqual({ ready: true, detail: '3/3 tasks running, 3/3 targets healthy' });
  });

  it('waits for tasks, pending tasks and targets that are still checking', () => {
    expect(readiness(serviceCounts('t', 3, 2), [...healthy(1), { id: 'x', state: 'initial' }])).toEqual({
      ready: false,
      detail: '2/3 tasks running, 1 pending, 1/3 targets healthy (1 initial)',
    });
  });

  it('is not ready with fewer healthy targets than desired tasks', () => {
    expect(readiness(serviceCounts('t', 3), healthy(2)).ready).toBe(false);
  });

  it('is not ready while an older deployment still has tasks', () => {
    const service = serviceCounts('t', 2);
    service.deployments.push({ id: 'ecs-svc/0', status: 'ACTIVE', rolloutState: 'IN_PROGRESS', desired: 0, running: 1, pending: 0, failedTasks: 0 });
    expect(readiness(service, healthy(2))).toEqual({ ready: false, detail: '2/2 tasks running, deployment in progress (2 deployments), 2/2 targets healthy' });
  });

  it('does not wait for ECS to mark a single rollout COMPLETED once counts and health agree', () => {
    const service = serviceCounts('t', 2);
    service.deployments[0]!.rolloutState = 'IN_PROGRESS';
    expect(readiness(service, healthy(2)).ready).toBe(true);
  });

  it('mentions tasks that failed to start and a failed rollout', () => {
    const service = serviceCounts('t', 2, 0);
    service.deployments[0] = { ...service.deployments[0]!, failedTasks: 4, rolloutState: 'FAILED' };
    expect(readiness(service, []).detail).toBe('0/2 tasks running, 2 pending, 4 failed to start, rollout FAILED, 0/2 targets healthy');
  });

  it('is never ready with 0 desired tasks', () => {
    expect(readiness(serviceCounts('t', 0), []).ready).toBe(false);
  });
});
