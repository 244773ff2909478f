// What every listener gets from the composition root; handlers receive the whole object, so adding a
// service never changes their shape.
import type { webApi } from '@slack/bolt';
import type { Semaphore } from 'async-mutex';
import type { SimulatedAws } from '../adapters/sim';
import type { BackgroundTask } from '../background';
import type { Config } from '../config';
import type { Clock, CoreDeps, PeopleDirectory } from '../core/ports';
import type { ApprovalService } from '../core/requests/approval-service';
import type { Watcher } from '../core/watch';
import type { Logger } from '../logger';
import type { SlackOutbox } from '../slack/outbox';
import type { RequestMessages } from '../slack/requests';

export interface AppDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  /** Operators and approvers: user IDs and user groups resolved through Slack. */
  people: PeopleDirectory;
  /** Web API client for work outside a Slack request (e.g. updating a request message when it expires). */
  slack: webApi.WebClient;
  /** The ports the switchover core talks to (AWS or the simulated stack, journal, charts, clock, people). */
  core: CoreDeps;
  /** Requests, the two-person rule and applying weights. */
  approvals: ApprovalService;
  /** Request messages in Slack: posting, updating to the final state, outcome notices. */
  requestMessages: RequestMessages;
  /** Slack posts and edits Slack has not taken yet, sent once it answers. */
  outbox: SlackOutbox;
  /** Watches each stage after an applied change. */
  watcher: Watcher;
  /**
   * The commands that only read (status, history) run a few at a time: a burst of them then cannot starve
   * the acknowledgements of other commands or the button clicks of a switchover.
   */
  reads: Semaphore;
  /** Started before the app takes requests, stopped on shutdown. */
  background: BackgroundTask[];
  /** Whether this bot still holds its data directory (the health report). */
  dataDirHeld: () => boolean;
  /** The simulated stack when SWITCHOVER_SIMULATE=true (rehearsal, tests, benchmarks). */
  simulation?: SimulatedAws;
}
