// Request messages in Slack: posting a new request in the channel (and recording where), bringing the message
// to its final state in place, and saying outcomes in the channel. Shared by the slash commands, the buttons,
// the confirmation dialog and the sweeper. A message that cannot be updated (Slack rate limit, outage) is said
// in a new message in its thread, and the update and the post wait in the outbox (outbox.ts) until Slack
// answers: an outcome is never lost.
import type { webApi } from '@slack/bolt';
import { escapeText, type SlackMessage } from '../blocks/common';
import { requestMessage } from '../blocks/request';
import { errorMessage, formatTime, mention } from '../core/format';
import { describeChange } from '../core/requests/describe';
import type { ApprovalService } from '../core/requests/approval-service';
import type { SettledOutcome } from '../core/requests/outcomes';
import type { Preview } from '../core/requests/preview';
import { isActive, stepWatchUntil, type Plan, type PlanSpec } from '../core/plan/plan';
import { describePlanShort } from '../core/plan/words';
import { appliedAt, isFinal, type SwitchoverRequest } from '../core/requests/request';
import type { Watcher } from '../core/watch';
import { describeWeights } from '../core/weights';
import type { Logger } from '../logger';
import { describeSlackError } from './errors';
import type { SlackOutbox } from './outbox';

export interface RequestMessagesDeps {
  slack: webApi.WebClient;
  logger: Logger;
  approvals: ApprovalService;
  watcher: Watcher;
  /** Edits and thread posts: sent at once, or kept and sent once Slack answers. */
  outbox: SlackOutbox;
}

/** What the requester is told (ephemeral) after asking for a change. */
export type RequestAnswer = { posted: true; request: SwitchoverRequest; text: string } | { posted: false; text: string };

export type NewRequest =
  | { kind: 'shift'; stage: string; percent: number }
  | { kind: 'plan'; stage: string; spec: PlanSpec }
  | { kind: 'fallback'; stage: string }
  | { kind: 'forceReconnect'; stage: string };

export class RequestMessages {
  /** Where a request was posted, when the journal could not record it (request.posted failed). */
  private readonly postedAt = new Map<string, { channel: string; ts: string }>();

  constructor(private readonly deps: RequestMessagesDeps) {}

  /**
   * Asks the core for the request and, when it is created, posts it in `channel` with Approve / Reject and records
   * where. A request whose message cannot be posted is withdrawn (nobody could approve it) and the requester is told.
   */
  async create(input: NewRequest, user: string, channel: string): Promise<RequestAnswer> {
    const { approvals } = this.deps;
    const base = { stage: input.stage, requester: user, channel };
    const outcome = await (input.kind === 'shift'
      ? approvals.requestShift({ ...base, percent: input.percent })
      : input.kind === 'plan'
        ? approvals.requestPlan({ ...base, spec: input.spec })
        : input.kind === 'fallback'
          ? approvals.requestFallback(base)
          : approvals.requestForceReconnect(base));
    if (outcome.outcome === 'refused') return { posted: false, text: outcome.reason };
    const { request, preview } = outcome;
    const log = this.deps.logger.child({ stage: request.stage, requestId: request.id, user });
    try {
      await this.postOpen(request, preview);
    } catch (error) {
      log.error({ err: error }, 'could not post the request message; withdrawing the request');
      const gone = await approvals.cancel({ stage: request.stage, userId: user }).then((o) => o.outcome === 'cancelled', () => false);
      return {
        posted: false,
        text:
          `I could not post the request in the channel: ${describeSlackError(error)} ` +
          (gone
            ? 'The request was withdrawn; nothing changed.'
            : `The request ${request.id} could not be withdrawn either; it expires at ${formatTime(request.expiresAt)} (or \`/switchover cancel ${request.stage}\`). Nothing changed.`),
      };
    }
    log.info({ outcome: 'requested', kind: request.kind }, 'request posted');
    return {
      posted: true,
      request,
      text:
        `Your request ${request.id} to ${describeChange(request)} is posted in <#${channel}>. ` +
        `Someone other than you must approve it before ${formatTime(request.expiresAt)}; \`/switchover cancel ${request.stage}\` withdraws it.`,
    };
  }

  /** Posts an open request (with its preview when there is one) and records where. Throws when Slack refuses. */
  async postOpen(request: SwitchoverRequest, preview?: Preview): Promise<string> {
    const posted = await this.deps.slack.chat.postMessage({ channel: request.channel, ...requestMessage(request, preview) });
    const ts = posted.ts;
    if (!ts) throw new Error('Slack did not return the message timestamp');
    const channel = posted.channel ?? request.channel;
    this.postedAt.set(request.id, { channel, ts });
    try {
      await this.deps.approvals.recordPosted(request.id, channel, ts);
    } catch (error) {
      // The message stands; only a restart would lose where it is (the request still works, and expires).
      this.deps.logger.warn({ err: error, requestId: request.id }, 'the journal could not record where the request message is');
    }
    return ts;
  }

  /**
   * Brings the request message to the request's current state. When Slack does not take the edit, a final state
   * is also posted in the thread (so nobody acts on stale buttons); an edit Slack did not take for a passing
   * reason waits in the outbox.
   */
  async show(request: SwitchoverRequest): Promise<void> {
    const where = this.where(request);
    if (!where) {
      // Never posted (the bot stopped in between): a final state is said in the channel instead.
      if (isFinal(request)) await this.say(request.channel, undefined, requestMessage(request));
      return;
    }
    const plan = this.planOf(request);
    const message = requestMessage(request, undefined, plan);
    try {
      if (await this.deps.outbox.update(`message of request ${request.id}`, { ...where, message })) return;
    } catch (error) {
      this.deps.logger.warn({ err: error, requestId: request.id }, 'Slack refused to update the request message');
    }
    // A running plan's message changes with every step, each said in its thread anyway: no copy of it there.
    if (isFinal(request) && !(plan && isActive(plan))) await this.say(where.channel, where.ts, message);
  }

  /**
   * After an approval: an applied shift or fallback is watched first (no Slack call stands in front of the
   * guardrails), then the message shows the outcome, a failure is also said in the channel, and the watch is
   * announced in the request's thread. Never throws.
   */
  async settle(outcome: SettledOutcome, options: { afterRestart?: boolean } = {}): Promise<void> {
    const { request } = outcome;
    const watching = await this.startWatch(request);
    await this.show(request);
    const where = this.where(request);
    const approver = mention(request.approver ?? 'unknown');
    const inThread = (text: string, loud = false) => this.say(where?.channel ?? request.channel, where?.ts, textMessage(text), loud);
    if (outcome.outcome === 'unconfirmed') {
      // Said in the channel too: until a read settles it, nobody should change the listener by hand unawares.
      await inThread(`:hourglass: ${describeChange(request)} (approved by ${approver}) is applying, unconfirmed: ${outcome.reason}`, true);
      return;
    }
    if (options.afterRestart && outcome.outcome === 'applied') {
      await inThread(`${approver}: the bot stopped while applying the change you approved; after its restart the listener shows it in place, so it is applied.`);
    }
    if (outcome.outcome === 'failed') {
      const now = outcome.after ? ` AWS now has ${describeWeights(outcome.after)}.` : '';
      await inThread(`:x: ${describeChange(request)} failed (approved by ${approver}): ${outcome.error}${now}`, true);
      return;
    }
    if (outcome.note && outcome.note !== request.note) {
      // E.g. the journal could not record the outcome: the approver must know, the message alone does not say it.
      await inThread(`:warning: ${outcome.note}`, true);
    }
    if (request.status !== 'applied') return;
    const plan = this.planOf(request);
    if (request.kind === 'forceReconnect') {
      await inThread(`The capture proxy of ${request.stage} is restarting; clients reconnect as their connections close.`);
    } else if (!where || !watching) {
      return;
    } else if ('error' in watching) {
      await inThread(`The change is applied, but watching it could not start (${watching.error}). Use \`/switchover status ${request.stage}\` to follow it.`, true);
    } else if (plan) {
      await inThread(
        `:arrow_forward: Plan approved by ${approver}: ${describePlanShort(plan)}; AWS now has ${describeWeights(plan.weights)}. ` +
          `Progress every minute and every step in this thread; a guardrail breach falls back to the source proxy automatically. ` +
          `\`/switchover pause ${request.stage}\`, \`resume\` and \`cancel\` at any moment.`,
      );
    } else {
      await inThread(
        `Watching ${request.stage} until ${formatTime(watching.until)}: progress every minute in this thread, alerts in the channel. ` +
          `\`/switchover status ${request.stage}\` shows it any time.`,
      );
    }
  }

  /** Starts watching an applied shift or fallback (progress threaded under the request message). No Slack call. */
  private async startWatch(request: SwitchoverRequest): Promise<{ until: number } | { error: string } | undefined> {
    if (request.status !== 'applied' || request.kind === 'forceReconnect') return undefined;
    const where = this.where(request);
    if (!where) return undefined;
    // A plan's first step is watched through its bake and holds; the plan runner watches the later steps.
    const plan = this.planOf(request);
    const watch = { stage: request.stage, requestId: request.id, channel: where.channel, threadTs: where.ts, appliedAt: appliedAt(request) };
    try {
      return await this.deps.watcher.start({ ...watch, appliedWeights: { ...(request.after ?? request.to) } }, plan ? { until: stepWatchUntil(plan) } : {});
    } catch (error) {
      this.deps.logger.error({ err: error, requestId: request.id }, 'could not start watching the change');
      return { error: errorMessage(error) };
    }
  }

  /**
   * A message in the channel (threaded under `threadTs` when given). Never throws: a post Slack did not take
   * for a passing reason (timeout, 5xx, rate limit) waits in the outbox until Slack answers.
   */
  async say(channel: string, threadTs: string | undefined, message: SlackMessage, broadcast = false): Promise<void> {
    try {
      await this.deps.outbox.post(threadTs ? 'a note in a request thread' : 'a request outcome', { channel, message, ...(threadTs ? { threadTs } : {}), broadcast });
    } catch (error) {
      this.deps.logger.error({ err: error, channel }, 'could not post in the channel');
    }
  }

  /** An ephemeral note to one user in the request's channel; failures are logged. */
  async tell(channel: string, user: string, text: string): Promise<void> {
    try {
      await this.deps.slack.chat.postEphemeral({ channel, user, text });
    } catch (error) {
      this.deps.logger.warn({ err: error, channel, user }, 'could not send an ephemeral message');
    }
  }

  /** Where the plan of a plan request stands, once it runs (its message is then the plan message). */
  private planOf(request: SwitchoverRequest): Plan | undefined {
    return request.kind === 'plan' ? this.deps.approvals.plans.get(request.id) : undefined;
  }

  private where(request: SwitchoverRequest): { channel: string; ts: string } | undefined {
    if (request.messageTs) return { channel: request.channel, ts: request.messageTs };
    return this.postedAt.get(request.id);
  }
}

/** A plain-text message (mentions and dates as Slack tokens are fine in section text). */
export function textMessage(text: string): SlackMessage {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeText(text) } }] };
}
