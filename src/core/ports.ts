// The ports the switchover core talks to. Adapters (AWS SDK, simulated stack, JSONL journal,
// QuickChart, Slack directory) implement them; the core never imports an SDK.
// Kept deliberately small, in the spirit of Argo Rollouts' traffic router: read, write, read back.
import type {
  ListenerState,
  MetricsSnapshot,
  MetricsWindow,
  ProxyServices,
  StageResources,
  TargetGroupHealth,
  TargetGroupRef,
  Weights,
} from './types';
import type { JournalRecord } from './journal';

/** Resolves a stage name to its AWS resources (Migration Assistant names, or the stages file's overrides). */
export interface StageResolver {
  /** Throws StageNotFoundError naming what was not found and the names tried. */
  resolve(stage: string): Promise<StageResources>;
  /** Stages this deployment can see (overrides file plus discovered Migration Assistant load balancers). */
  listStages(): Promise<string[]>;
}

export interface LoadBalancerPort {
  /** One read of the switchover listener's default action. */
  readListener(resources: StageResources): Promise<ListenerState>;
  /**
   * One write of new weights, keeping every other part of `current.defaultAction` as it was.
   * Does not read back: the caller does, with readListener, to report what AWS now has.
   */
  setWeights(resources: StageResources, current: ListenerState, weights: Weights): Promise<void>;
  /** Health of every target registered in a group. */
  targetHealth(group: TargetGroupRef): Promise<TargetGroupHealth>;
}

export interface EcsPort {
  /** Both proxy services in one call. */
  describeProxies(resources: StageResources): Promise<ProxyServices>;
  setTargetProxyDesiredCount(resources: StageResources, desired: number): Promise<void>;
  /** A rolling restart of the capture proxy (force new deployment), so pinned clients reconnect. */
  restartCaptureProxy(resources: StageResources): Promise<void>;
}

export interface MetricsPort {
  /**
   * Everything a snapshot needs for one stage in as few GetMetricData calls as possible. Never throws for
   * a CloudWatch failure: what could not be fetched is listed in `missing`.
   */
  snapshot(resources: StageResources, window: MetricsWindow): Promise<MetricsSnapshot>;
}

/** A chart as data: a Chart.js 4 configuration plus how to name and size the picture. */
export interface ChartSpec {
  /** Short title, also used as the upload's title. */
  title: string;
  /** File name for the upload, e.g. `dev-prep-requests.png`. */
  filename: string;
  width: number;
  height: number;
  config: Record<string, unknown>;
}

export interface ChartRenderer {
  /** PNG bytes. Throws when the renderer is unreachable or answers with an error. */
  render(chart: ChartSpec): Promise<Buffer>;
}

/** The durable, append-only audit journal. */
export interface JournalPort {
  /** Resolves only once the record is durable (written and synced). */
  append(record: JournalRecord): Promise<void>;
  /** Every record written so far, oldest first (a torn last line is skipped with a warning). */
  readAll(): Promise<JournalRecord[]>;
}

export interface Clock {
  now(): number;
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Who belongs to a list of user IDs and user-group IDs (groups resolved through Slack, cached briefly). */
export interface PeopleDirectory {
  isListed(userId: string, usersAndGroups: readonly string[]): Promise<boolean>;
}

/** Everything the core's phases need, handed over by the composition root (or a test). */
export interface CoreDeps {
  resolver: StageResolver;
  loadBalancer: LoadBalancerPort;
  ecs: EcsPort;
  metrics: MetricsPort;
  charts: ChartRenderer;
  journal: JournalPort;
  clock: Clock;
  people: PeopleDirectory;
}
