// The traffic model of a simulated stage: clients on short-lived and kept-alive connections routed by the
// switchover listener's weights, the answers of each proxy (profiles, faults), and the per-minute figures
// CloudWatch would publish from them. The stage's API state (listeners, target groups, ECS services and their
// tasks) lives in stack.ts, which tells this model how traffic is routed and which targets can take it.
import type { Side } from '../../core/types';
import { MINUTE_MS } from '../../core/types';
import type { Random } from './random';
import type { TargetHealthView } from './stage';

export const STEP_MS = 5_000;

export interface TrafficProfile {
  /** Share of requests answered 5xx / 4xx / 3xx by the proxy. */
  error5xx: number;
  error4xx: number;
  error3xx: number;
  /** Seconds. */
  latencyAvg: number;
  latencyP99: number;
}

export const SOURCE_PROFILE: TrafficProfile = { error5xx: 0.002, error4xx: 0.015, error3xx: 0.001, latencyAvg: 0.045, latencyP99: 0.2 };
export const TARGET_PROFILE: TrafficProfile = { error5xx: 0.001, error4xx: 0.015, error3xx: 0.001, latencyAvg: 0.038, latencyP99: 0.16 };
const PROFILES: Record<Side, TrafficProfile> = { source: SOURCE_PROFILE, target: TARGET_PROFILE };
/** Share of keep-alive connections that reconnect per minute, and how many clients hold them open. */
const RECONNECT_PER_MINUTE = 0.2;
const CONNECTION_POOL = 60;

/** Figures of one proxy group in one minute, as CloudWatch would aggregate them. */
export interface SideMinute {
  requests: number;
  c2xx: number;
  c3xx: number;
  c4xx: number;
  c5xx: number;
  latencyAvg: number;
  latencyP99: number;
  /** Connections the load balancer could not open to the group's targets (TargetConnectionErrorCount). */
  connectionErrors: number;
}

export interface MinuteRecord {
  t: number;
  source: SideMinute;
  target: SideMinute;
  activeConnections: number;
  newConnections: number;
  elb5xx: number;
}

/** One side's sums over the minute so far, from which its CloudWatch figures are made when it ends. */
function emptySide() {
  return { requests: 0, latencyWeighted: 0, p99Max: 0, e5: 0, e4: 0, e3: 0, connErrors: 0 };
}

type Accumulator = Record<Side, ReturnType<typeof emptySide>> & { newConnections: number; elb5xx: number };

export abstract class SimTraffic {
  /** Share of traffic carried by long-lived keep-alive connections (they only move when clients reconnect). */
  keepAliveShare = 0.6;
  /** Where the keep-alive connections are now (shares summing to 1). */
  pinned: Record<Side, number> = { source: 0, target: 0 };
  requestsPerMinute = 0;
  /** Model faults: an error spike on the target side. */
  errorSpike?: number;
  /** Share of a side's requests whose connection to a target fails: the load balancer answers them 502. */
  connectionFailures: Partial<Record<Side, number>> = {};
  /** Minutes CloudWatch has no datapoint for at all (a publishing gap), from `from` until `to` (open: still on). */
  dataGap?: { from: number; to?: number };
  /** Completed minutes, oldest first. */
  readonly minutes: MinuteRecord[] = [];
  simTime: number;
  private acc: Accumulator = { source: emptySide(), target: emptySide(), newConnections: 0, elb5xx: 0 };
  private minuteFactor = 1;
  /** Targets failing health checks per side (the stage's fault, with AWS's reason code): they answer badly. */
  abstract unhealthy: Partial<Record<Side, string>>;

  constructor(
    protected readonly random: Random,
    private readonly publishDelayMs: number,
    start: number,
  ) {
    this.simTime = start;
  }

  /**
   * Share of new connections each proxy group gets by the switchover listener's weights (groups that are not
   * proxies take the rest: lost to both sides), or undefined when no group has weight.
   */
  protected abstract routing(): Record<Side, number> | undefined;
  /** Registered targets of a side at `t`. */
  abstract targetHealth(side: Side, t: number): TargetHealthView[];
  /** Runs the ECS scheduler of a side at `t`: how many live tasks it had, how many it drained, whether it replaced them. */
  protected abstract settleService(side: Side, t: number): { liveBefore: number; drained: number; replaced: boolean };

  /** Called once the stage's listeners exist: kept-alive connections start where the weights send them. */
  protected startTraffic(config: { requestsPerMinute: number; keepAliveShare?: number }): void {
    this.requestsPerMinute = config.requestsPerMinute;
    if (config.keepAliveShare !== undefined) this.keepAliveShare = config.keepAliveShare;
    const shares = this.newConnectionShares();
    this.pinned = { source: shares.source, target: shares.target };
    this.minuteFactor = this.random.jitter(0.06);
  }

  private newConnectionShares(): Record<Side, number> {
    return this.routing() ?? { source: 0, target: 0 };
  }

  /** Advances the model to `now`, one step at a time. */
  advanceTo(now: number): void {
    while (this.simTime + STEP_MS <= now) {
      this.step(this.simTime);
      this.simTime += STEP_MS;
      if (this.simTime % MINUTE_MS === 0) this.closeMinute(this.simTime - MINUTE_MS);
    }
  }

  private step(t: number): void {
    for (const side of ['source', 'target'] as const) {
      const { liveBefore, drained, replaced } = this.settleService(side, t);
      // Connections held by a proxy task that drains are closed: those clients reconnect by weight. A
      // replacement (forced new deployment) drains every task that held them.
      if (replaced) this.reconnect(side, 1);
      else if (drained > 0 && liveBefore > 0) this.reconnect(side, Math.min(1, drained / liveBefore));
    }
    const shares = this.newConnectionShares();
    const routable: Record<Side, boolean> = { source: false, target: false };
    for (const side of ['source', 'target'] as const) {
      routable[side] = this.targetHealth(side, t).some((target) => target.state !== 'draining');
      // A group with nothing registered breaks its pinned connections.
      if (!routable[side] && this.pinned[side] > 0) this.reconnect(side, 1);
    }
    const f = STEP_MS / MINUTE_MS;
    for (const side of ['source', 'target'] as const) {
      this.pinned[side] += (shares[side] - this.pinned[side]) * RECONNECT_PER_MINUTE * f;
    }
    const requests = this.requestsPerMinute * this.minuteFactor * f;
    const keepAlive = requests * this.keepAliveShare;
    const fresh = requests - keepAlive;
    const noRoute = this.routing() ? 0 : fresh;
    this.acc.elb5xx += noRoute;
    // Short-lived clients open a connection every few requests; keep-alive clients only when they reconnect.
    this.acc.newConnections += fresh / 4 + CONNECTION_POOL * RECONNECT_PER_MINUTE * f;
    for (const side of ['source', 'target'] as const) {
      const n = keepAlive * this.pinned[side] + fresh * shares[side];
      if (!routable[side]) {
        this.acc.elb5xx += n;
        continue;
      }
      const profile = this.profileOf(side, t);
      const a = this.acc[side];
      const failed = n * (this.connectionFailures[side] ?? 0);
      a.connErrors += failed;
      this.acc.elb5xx += failed;
      a.requests += n;
      a.latencyWeighted += n * profile.latencyAvg;
      a.p99Max = Math.max(a.p99Max, profile.latencyP99);
      a.e5 += n * profile.error5xx;
      a.e4 += n * profile.error4xx;
      a.e3 += n * profile.error3xx;
    }
  }

  /** Moves `fraction` of a group's keep-alive connections to new connections routed by weight. */
  private reconnect(side: Side, fraction: number): void {
    const moved = this.pinned[side] * fraction;
    const shares = this.newConnectionShares();
    this.pinned[side] -= moved;
    this.pinned.source += moved * shares.source;
    this.pinned.target += moved * shares.target;
    // With no weight anywhere the clients keep retrying the same side.
    if (!this.routing()) this.pinned[side] += moved;
  }

  private profileOf(side: Side, t: number): TrafficProfile {
    const base = PROFILES[side];
    const profile = { ...base };
    if (side === 'target' && this.errorSpike !== undefined) {
      profile.error5xx = this.errorSpike;
      profile.latencyP99 = base.latencyP99 * 3;
      profile.latencyAvg = base.latencyAvg * 1.5;
    }
    // The ALB fails open to unhealthy targets: they answer, badly.
    const targets = this.targetHealth(side, t);
    if (this.unhealthy[side] && !targets.some((x) => x.state === 'healthy')) {
      profile.error5xx = Math.max(profile.error5xx, 0.5);
      profile.latencyP99 = base.latencyP99 * 5;
    }
    return profile;
  }

  private closeMinute(t: number): void {
    const r = this.random;
    const side = (s: Side): SideMinute => {
      const a = this.acc[s];
      const requests = r.round(a.requests);
      const c5xx = Math.min(requests, r.round(a.e5));
      const c4xx = Math.min(requests - c5xx, r.round(a.e4));
      const c3xx = Math.min(requests - c5xx - c4xx, r.round(a.e3));
      return {
        requests,
        c2xx: requests - c5xx - c4xx - c3xx,
        c3xx,
        c4xx,
        c5xx,
        latencyAvg: requests > 0 ? (a.latencyWeighted / a.requests) * r.jitter(0.08) : 0,
        latencyP99: requests > 0 ? a.p99Max * r.jitter(0.1) : 0,
        connectionErrors: r.round(a.connErrors),
      };
    };
    const source = side('source');
    const target = side('target');
    const newConnections = r.round(this.acc.newConnections);
    this.minutes.push({
      t,
      source,
      target,
      newConnections,
      activeConnections: newConnections > 0 || source.requests + target.requests > 0 ? CONNECTION_POOL + newConnections : 0,
      elb5xx: r.round(this.acc.elb5xx),
    });
    // A day of minutes is plenty for any window the bot asks for.
    if (this.minutes.length > 24 * 60) this.minutes.shift();
    this.acc = { source: emptySide(), target: emptySide(), newConnections: 0, elb5xx: 0 };
    this.minuteFactor = r.jitter(0.06);
  }

  /** Minutes whose datapoints CloudWatch would have published by `now`. */
  publishedMinutes(now: number): MinuteRecord[] {
    const gap = this.dataGap;
    const inGap = (t: number) => gap !== undefined && t >= gap.from && (gap.to === undefined || t < gap.to);
    return this.minutes.filter((m) => m.t + MINUTE_MS + this.publishDelayMs <= now && !inGap(m.t));
  }
}
