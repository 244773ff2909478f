// Domain types shared by the switchover core and the adapters that implement its ports.
// Nothing here knows about Slack or the AWS SDK.
import type { Weights } from './journal';

/** Weights of the switchover listener's default forward action: source (capture proxy) and target proxy groups. */
export type { Weights };

/** A target group as the core needs it: ARN for API calls, dimension for CloudWatch. */
export interface TargetGroupRef {
  arn: string;
  name: string;
  /** CloudWatch `TargetGroup` dimension value: `targetgroup/<name>/<id>`. */
  dimension: string;
}

/** Every AWS resource of one Migration Assistant stage that the runbook touches. */
export interface StageResources {
  stage: string;
  loadBalancer: {
    arn: string;
    name: string;
    /** CloudWatch `LoadBalancer` dimension value: `app/<name>/<id>`. */
    dimension: string;
  };
  /** The listener whose default action is a weighted forward to both proxy target groups. */
  switchoverListener: { arn: string; port: number };
  sourceProxyTargetGroup: TargetGroupRef;
  targetProxyTargetGroup: TargetGroupRef;
  ecsCluster: string;
  captureProxyService: string;
  targetProxyService: string;
}

/** Which side of the switchover a target group or a metric belongs to. */
export type Side = 'source' | 'target';

/** One target group named by the switchover listener's default forward, with its weight. */
export interface ForwardGroup {
  arn: string;
  name: string;
  /** Which proxy group it is; 'other' for any other group (a third group, a blue/green leftover). */
  role: Side | 'other';
  /** ALB weight 0-999 (a group listed without a weight has AWS's default, 1). */
  weight: number;
}

/** A listener rule other than the default one: requests it matches bypass the default weights. */
export interface ListenerRule {
  priority: string;
  /** Its conditions in words, e.g. "path /_bulk*". */
  conditions: string;
  /** What it does in words, e.g. "forward to ALBSourceProxy-dev-TG", "fixed-response". */
  action: string;
}

/** What the switchover listener's default rule holds now. */
export interface ListenerState {
  /** Weights of the two proxy groups in the default forward; a proxy group it does not name has 0. */
  weights: Weights;
  /** Every group of the default forward, in AWS's order, with its weight. */
  groups: ForwardGroup[];
  /**
   * False when the default forward is not the weighted forward to both proxy groups the bot writes (a forward
   * to one group, or a plain TargetGroupArn forward: the runbook's manual fallback in the console).
   */
  weightedToBoth: boolean;
  stickiness: { enabled: boolean; durationSeconds?: number };
  /** The listener's other rules, highest priority first. */
  rules: ListenerRule[];
  /**
   * Whatever the load balancer adapter needs to write the default action back with only the weights
   * changed (for AWS: the DefaultActions as read). Opaque to the core: it only hands it back.
   */
  defaultAction: unknown;
}

/** ELBv2 target health states. */
export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable' | 'unhealthy.draining';

export interface TargetHealthEntry {
  id: string;
  port?: number;
  state: TargetState;
  /** AWS reason code, e.g. `Target.FailedHealthChecks`, `Elb.RegistrationInProgress`. */
  reason?: string;
  description?: string;
}

export interface TargetGroupHealth {
  targetGroup: TargetGroupRef;
  targets: TargetHealthEntry[];
}

export interface EcsDeployment {
  id: string;
  status: string; // PRIMARY | ACTIVE | INACTIVE
  rolloutState?: string; // COMPLETED | IN_PROGRESS | FAILED
  desired: number;
  running: number;
  pending: number;
  failedTasks: number;
}

export interface EcsServiceCounts {
  name: string;
  status: string; // ACTIVE | DRAINING | INACTIVE
  desired: number;
  running: number;
  pending: number;
  deployments: EcsDeployment[];
}

export interface ProxyServices {
  captureProxy: EcsServiceCounts;
  targetProxy: EcsServiceCounts;
}

/** Per-target-group metrics the runbook looks at. */
export type TargetGroupMetric =
  | 'requests'
  | 'http2xx'
  | 'http3xx'
  | 'http4xx'
  | 'http5xx'
  | 'latencyAvg'
  | 'latencyP99'
  | 'connectionErrors';

/** Per-load-balancer metrics (connections exist only per load balancer). */
export type LoadBalancerMetric = 'activeConnections' | 'newConnections' | 'elb5xx';

/** One value per complete minute; `t` is the minute's start (epoch ms). */
export interface MetricPoint {
  t: number;
  v: number;
}

/**
 * Datapoints of one metric over a window. A minute with no datapoint is absent from `points`:
 * CloudWatch sends none while no traffic flows, and that means "no traffic", never "zero errors".
 */
export type MetricSeries = MetricPoint[];

export interface MetricsWindow {
  /** Inclusive start, aligned to a minute (epoch ms). */
  start: number;
  /** Exclusive end, aligned to a minute; never later than the start of the newest, incomplete minute. */
  end: number;
}

export interface MetricsSnapshot {
  window: MetricsWindow;
  source: Partial<Record<TargetGroupMetric, MetricSeries>>;
  target: Partial<Record<TargetGroupMetric, MetricSeries>>;
  loadBalancer: Partial<Record<LoadBalancerMetric, MetricSeries>>;
  /** Numbers that could not be fetched, in words (e.g. "target p99 latency: AccessDenied ..."). Empty when complete. */
  missing: string[];
}

export const MINUTE_MS = 60_000;
