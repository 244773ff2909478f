// The simulated stacks' shape and timings: which stages there are, how they start out, and how fast AWS's
// slow parts (task start, health checks, deregistration, metric publication) go.
import type { Side, Weights } from '../../core/types';

export interface SimTimings {
  /** From UpdateService to the task RUNNING and registered (`initial`). */
  taskStartMs: number;
  /** From registration to passing health checks (`healthy`). */
  healthyAfterMs: number;
  /** Target group deregistration delay (AWS default 300 s). */
  deregistrationDelayMs: number;
  /** How long after a minute ends its datapoints can be read. */
  publishDelayMs: number;
}

export const DEFAULT_TIMINGS: SimTimings = {
  taskStartMs: 40_000,
  healthyAfterMs: 30_000,
  deregistrationDelayMs: 300_000,
  publishDelayMs: 60_000,
};

export interface SimStageConfig {
  name: string;
  /** Port of the switchover listener (443 in current releases, 9200 on older stacks). */
  listenerPort: number;
  /** Other listeners forwarding to one proxy group, as real stacks have. */
  otherListeners: { port: number; forwardTo: Side }[];
  captureProxyDesired: number;
  targetProxyDesired: number;
  weights: Weights;
  requestsPerMinute: number;
  /**
   * Share of traffic on long-lived keep-alive connections (default 0.6). 0: every request is routed by the
   * listener's weights of the moment, so the split follows the weights minute by minute.
   */
  keepAliveShare?: number;
}

export const DEFAULT_STAGES: SimStageConfig[] = [
  {
    name: 'dev',
    listenerPort: 443,
    otherListeners: [
      { port: 9201, forwardTo: 'source' },
      { port: 9202, forwardTo: 'target' },
    ],
    captureProxyDesired: 3,
    targetProxyDesired: 0,
    weights: { source: 1, target: 0 },
    requestsPerMinute: 1200,
  },
  {
    name: 'staging',
    listenerPort: 9200,
    otherListeners: [],
    captureProxyDesired: 2,
    targetProxyDesired: 2,
    weights: { source: 1, target: 0 },
    requestsPerMinute: 900,
  },
];
