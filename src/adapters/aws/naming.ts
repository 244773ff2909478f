// Migration Assistant resource names of a stage (from its CDK code), with the stages file's overrides.
import type { StageOverride } from './stages-file';

export interface StageNames {
  loadBalancerName: string;
  sourceTargetGroupName: string;
  targetTargetGroupName: string;
  /** Only when the stages file pins the switchover listener's port; otherwise it is found by its forward. */
  listenerPort?: number;
  ecsCluster: string;
  captureProxyService: string;
  targetProxyService: string;
}

export const LOAD_BALANCER_PREFIX = 'MigrationAssistant-';

export function defaultStageNames(stage: string): StageNames {
  return {
    loadBalancerName: `${LOAD_BALANCER_PREFIX}${stage}`,
    sourceTargetGroupName: `ALBSourceProxy-${stage}-TG`,
    targetTargetGroupName: `ALBTargetProxy-${stage}-TG`,
    ecsCluster: `migration-${stage}-ecs-cluster`,
    captureProxyService: `migration-${stage}-capture-proxy`,
    targetProxyService: `migration-${stage}-target-cluster-proxy`,
  };
}

export function stageNames(stage: string, override: StageOverride = {}): StageNames {
  const defaults = defaultStageNames(stage);
  return {
    loadBalancerName: override.loadBalancerName ?? defaults.loadBalancerName,
    sourceTargetGroupName: override.sourceTargetGroupName ?? defaults.sourceTargetGroupName,
    targetTargetGroupName: override.targetTargetGroupName ?? defaults.targetTargetGroupName,
    ...(override.listenerPort !== undefined ? { listenerPort: override.listenerPort } : {}),
    ecsCluster: override.ecsCluster ?? defaults.ecsCluster,
    captureProxyService: override.captureProxyService ?? defaults.captureProxyService,
    targetProxyService: override.targetProxyService ?? defaults.targetProxyService,
  };
}

/**
 * The load balancer and target group names AWS cannot have: it allows at most 32 characters, so the default
 * names fit only stages of up to 13 characters (`MigrationAssistant-<stage>`).
 */
export function namesPastAwsLimit(names: StageNames): string[] {
  return [names.loadBalancerName, names.sourceTargetGroupName, names.targetTargetGroupName]
    .filter((name) => name.length > 32)
    .map((name) => `\`${name}\` (${name.length} characters)`);
}
