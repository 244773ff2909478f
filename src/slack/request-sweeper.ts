// The approvals' background task. On start: rebuild every request from the journal, bring the messages of the
// requests the restart settled (applied or failed while the bot was down, or still unconfirmed) to their state and
// tell their approvers, post requests that were never posted, and expire those past their time. Then, every ~30 s
// on the clock: re-read the listener of unconfirmed changes (with backoff) and expire due requests (their messages
// show "Expired"). Message edits Slack refused are the outbox's to retry (outbox.ts).
import type { BackgroundTask } from '../background';
import type { Clock } from '../core/ports';
import type { ApprovalService } from '../core/requests/approval-service';
import type { Logger } from '../logger';
import type { RequestMessages } from './requests';

export const SWEEP_INTERVAL_MS = 30_000;

export interface RequestSweeperDeps {
  approvals: ApprovalService;
  messages: RequestMessages;
  clock: Clock;
  logger: Logger;
}

export class RequestSweeper implements BackgroundTask {
  readonly name = 'approvals';
  private controller?: AbortController;
  private loop?: Promise<void>;

  constructor(
    private readonly deps: RequestSweeperDeps,
    private readonly intervalMs = SWEEP_INTERVAL_MS,
  ) {}

  /** Throws only when the journal cannot be read: the bot must not take requests without its state. */
  async start(): Promise<void> {
    const { approvals, messages, logger } = this.deps;
    const report = await approvals.load();
    logger.info({ requests: report.requests, recovered: report.recovered.length }, 'requests rebuilt from the journal');
    for (const outcome of report.recovered) {
      const { request } = outcome;
      logger.warn({ requestId: request.id, stage: request.stage, outcome: outcome.outcome }, 'request was being applied when the bot stopped; settled from what AWS shows');
      await messages.settle(outcome, { afterRestart: true });
    }
    for (const request of approvals.pending()) {
      if (request.status !== 'open' || request.messageTs || this.deps.clock.now() >= request.expiresAt) continue;
      try {
        await messages.postOpen(request);
      } catch (error) {
        logger.error({ err: error, requestId: request.id }, 'could not post a request that was never posted');
      }
    }
    await this.sweep();
    this.controller = new AbortController();
    this.loop = this.run(this.controller.signal);
  }

  async stop(): Promise<void> {
    this.controller?.abort(new Error('stopping'));
    await this.loop;
  }

  /**
   * One sweep: re-read the listener of changes AWS did not confirm (when due), expire due requests, update their
   * messages. Never throws.
   */
  async sweep(): Promise<void> {
    const { approvals, messages, logger } = this.deps;
    try {
      for (const outcome of await approvals.rereadUnconfirmed()) {
        logger.info({ requestId: outcome.request.id, stage: outcome.request.stage, outcome: outcome.outcome }, 'unconfirmed change settled by a read of the listener');
        await messages.settle(outcome);
      }
      for (const request of await approvals.expireDue()) {
        logger.info({ requestId: request.id, stage: request.stage, outcome: 'expired' }, 'request expired without approval');
        await messages.show(request);
      }
    } catch (error) {
      logger.error({ err: error }, 'request sweep failed; trying again next time');
    }
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.deps.clock.sleep(this.intervalMs, AbortSignal.any([signal]));
      } catch {
        return;
      }
      if (signal.aborted) return;
      await this.sweep();
    }
  }
}
