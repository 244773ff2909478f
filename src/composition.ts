// The composition root: builds the services the listeners and the core use from the configuration.
// AWS (or the simulated stack when SWITCHOVER_SIMULATE=true), the journal, the chart renderer, Slack.
import { join } from 'node:path';
import { Semaphore } from 'async-mutex';
import type { webApi } from '@slack/bolt';
import { createAwsClients, createAwsPorts, type AwsPorts } from './adapters/aws/clients';
import { loadStagesFile } from './adapters/aws/stages-file';
import { createChartRenderer } from './adapters/charts';
import { SystemClock } from './adapters/clock';
import { DataDirLock, fenced, type DataDirLockOptions } from './adapters/journal/data-dir-lock';
import { JsonlJournal } from './adapters/journal/jsonl-journal';
import { JsonFileOutbox } from './adapters/journal/outbox-file';
import { createSimulatedAws, type SimulatedAws } from './adapters/sim';
import type { BackgroundTask } from './background';
import type { Config } from './config';
import type { Clock, CoreDeps } from './core/ports';
import { ApprovalService } from './core/requests/approval-service';
import { Watcher } from './core/watch';
import type { AppDeps } from './listeners/deps';
import type { Logger } from './logger';
import { createSlackClient } from './slack/client';
import { SlackPeopleDirectory } from './slack/people-directory';
import { RequestSweeper } from './slack/request-sweeper';
import { InterruptedPreps } from './slack/interrupted-preps';
import { RequestMessages } from './slack/requests';
import { OutboxRecordSchema, SlackOutbox } from './slack/outbox';
import { SlackWatchReporter } from './slack/watch-reporter';
import { SwitchoverCharts } from './slack/switchover-charts';
import { SlackPlanReporter } from './slack/plan-reporter';

export interface BuildOptions {
  clock?: Clock;
  /** Web API client overrides (tests turn retries off). */
  slackClientOptions?: webApi.WebClientOptions;
  /**
   * With SWITCHOVER_SIMULATE=true: an existing simulated stack instead of a new one, so a test or benchmark can
   * restart the bot against the same stack.
   */
  simulation?: SimulatedAws;
  /** Timings of the data directory lock (tests shorten them). */
  dataDirLock?: DataDirLockOptions;
}

/** Slack posts and edits Slack has not taken yet (slack/outbox.ts), kept across restarts. */
export const SLACK_OUTBOX_FILE = 'slack-outbox.json';

/**
 * The watch's progress edits: 10 s an attempt, three attempts a second or two apart (about 33 s at most),
 * inside the minute a watch tick has; what still fails is redone by the next tick.
 */
const WATCH_SLACK = { timeout: 10_000, retryConfig: { retries: 2, factor: 2, minTimeout: 1_000, maxTimeout: 2_000 } };

/**
 * Status and history answers in progress at once. Each makes about five AWS reads and, for a status, chart
 * renders and uploads; a burst of them waits its turn instead of taking the CPU from the acknowledgement of
 * other commands, while the next in line waits only about one round of AWS calls more.
 */
const READS_AT_ONCE = 2;

/** Builds every service. Throws StagesFileError when SWITCHOVER_STAGES_FILE is unreadable or invalid. */
export function buildDeps(config: Config, logger: Logger, options: BuildOptions = {}): AppDeps {
  const clock = options.clock ?? new SystemClock();
  const slack = createSlackClient(config, logger, options.slackClientOptions);
  const people = new SlackPeopleDirectory(slack, clock);
  const stagesOverrides = config.stagesFile ? loadStagesFile(config.stagesFile) : {};

  let simulation: SimulatedAws | undefined;
  let aws: AwsPorts;
  if (config.simulate) {
    simulation =
      options.simulation ?? createSimulatedAws({ clock, stagesOverrides, maxAttempts: config.aws.maxAttempts });
    aws = simulation.ports;
  } else {
    const clients = createAwsClients({ region: config.aws.region, maxAttempts: config.aws.maxAttempts });
    aws = createAwsPorts(clients, clock, stagesOverrides);
  }

  const journal = new JsonlJournal(config.dataDir, logger);
  const dataDirLock = new DataDirLock(config.dataDir, {
    logger,
    onLost: (error) => logger.fatal({ file: error.file }, error.message),
    ...options.dataDirLock,
  });
  const charts = createChartRenderer(config.quickchartUrl);
  // Every journal append and AWS write first checks that this bot still holds the data directory.
  const core: CoreDeps = {
    ...aws,
    loadBalancer: fenced(aws.loadBalancer, ['setWeights'], dataDirLock),
    ecs: fenced(aws.ecs, ['setTargetProxyDesiredCount', 'restartCaptureProxy'], dataDirLock),
    charts,
    journal: fenced(journal, ['append'], dataDirLock),
    clock,
    people,
  };
  const approvals = new ApprovalService(core, {
    ttlMinutes: config.approvalTtlMinutes,
    approvers: config.access.approvers,
  });
  // The outbox's client makes no retries of its own: the outbox retries, and a call retried after a timeout
  // could show a message twice.
  const outboxSlack = createSlackClient(config, logger, { retryConfig: { retries: 0 }, ...options.slackClientOptions });
  const outbox = new SlackOutbox({
    slack: outboxSlack,
    clock,
    logger,
    store: new JsonFileOutbox(join(config.dataDir, SLACK_OUTBOX_FILE), OutboxRecordSchema, logger),
  });
  // Its own Web API client with the watch's deadlines: the next minute updates the progress message anyway.
  const watchSlack = createSlackClient(config, logger, { ...WATCH_SLACK, ...options.slackClientOptions });
  const reporter = new SlackWatchReporter(watchSlack, logger, outbox, new SwitchoverCharts(core, config.watch, logger));
  const watcher = new Watcher(core, config.watch, reporter, { settleMs: config.settleMs });

  const requestMessages = new RequestMessages({ slack, logger, approvals, watcher, outbox });
  // Running plans are driven by the watch's minutes and talk in their request's message and thread.
  approvals.plans.attach(new SlackPlanReporter(approvals, requestMessages, logger), watcher);
  watcher.observe(approvals.plans);

  const background: BackgroundTask[] = [
    // Started first, stopped last: no journal is read before this bot alone holds the data directory, and
    // everything else may still append while it stops.
    {
      name: 'journal',
      start: () => dataDirLock.acquire(),
      stop: async () => {
        try {
          await journal.close();
        } finally {
          await dataDirLock.release();
        }
      },
    },
    // The drawing worker stops after everything that draws (the watch, the outbox's shared charts).
    { name: 'charts', start: async () => undefined, stop: async () => charts.close?.() },
    // What the last run could not send goes first; its sweep runs beside everything else until stopped.
    { name: 'outbox', start: () => outbox.start(), stop: () => outbox.stop() },
    // State first: requests are rebuilt from the journal before anything reads or sweeps them.
    new RequestSweeper({ approvals, messages: requestMessages, clock, logger }),
    // A prep the bot was running when it stopped has its progress message say so (never "running" forever).
    new InterruptedPreps({ journal: core.journal, slack, clock, logger }),
    { name: 'watcher', start: () => watcher.resume(), stop: () => watcher.stop() },
  ];

  const reads = new Semaphore(READS_AT_ONCE);
  const dataDirHeld = () => dataDirLock.holds;
  return { config, logger, clock, slack, people, core, approvals, requestMessages, outbox, watcher, reads, background, dataDirHeld, simulation };
}
