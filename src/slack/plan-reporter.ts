// A plan in Slack: its message (the plan request's message, updated in place) and its thread. Posts go through
// RequestMessages, so a message Slack does not take for a passing reason waits and is sent once Slack answers
// (the step itself never waits for Slack).
import type { ApprovalService } from '../core/requests/approval-service';
import type { Plan } from '../core/plan/plan';
import type { SwitchoverRequest } from '../core/requests/request';
import type { PlanReporter } from '../core/plan/runner';
import type { Logger } from '../logger';
import { textMessage, type RequestMessages } from './requests';

export class SlackPlanReporter implements PlanReporter {
  constructor(
    private readonly approvals: ApprovalService,
    private readonly messages: RequestMessages,
    private readonly logger: Logger,
  ) {}

  async show(plan: Plan): Promise<void> {
    const request = this.approvals.get(plan.id);
    if (request) await this.showRequest(request);
  }

  async showRequest(request: SwitchoverRequest): Promise<void> {
    await this.messages.show(request);
  }

  async say(plan: Plan, text: string, loud = false): Promise<void> {
    await this.messages.say(plan.channel, plan.messageTs, textMessage(text), loud);
  }

  log(level: 'info' | 'warn' | 'error', message: string, error?: unknown): void {
    this.logger[level]({ err: error }, message);
  }
}
