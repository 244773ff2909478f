// What every listener gets from the composition root. Later phases add their services here (e.g. the
// switchover core); handlers keep their shape because they receive the whole object.
import type { webApi } from '@slack/bolt';
import type { Config } from '../config';
import type { Clock, PeopleDirectory } from '../core/ports';
import type { Logger } from '../logger';

export interface AppDeps {
  config: Config;
  logger: Logger;
  clock: Clock;
  /** Operators and approvers: user IDs and user groups resolved through Slack. */
  people: PeopleDirectory;
  /** Web API client for work outside a Slack request (e.g. updating a request message when it expires). */
  slack: webApi.WebClient;
}
