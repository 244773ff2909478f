// The `/switchover` command surface in one table: help and every error message quote these forms,
// so the usage shown to operators never drifts from what the parser accepts.

export const SLASH_COMMAND = '/switchover';

export type CommandName = 'help' | 'prep' | 'shift' | 'plan' | 'pause' | 'resume' | 'status' | 'fallback' | 'history' | 'cancel';

export interface CommandUsage {
  name: CommandName;
  /** The form, e.g. `/switchover shift <stage> <percent>`. */
  form: string;
  /** A concrete example that parses. */
  example: string;
  /** One line on what it does. */
  summary: string;
  /** Whether it asks to change the stack, so only operators may run it. */
  operatorOnly: boolean;
  /** Whether it changes something (never waits behind the queue of reads). */
  changes: boolean;
}

export const COMMANDS: readonly CommandUsage[] = [
  {
    name: 'help',
    form: `${SLASH_COMMAND} help`,
    example: `${SLASH_COMMAND} help`,
    summary: 'this list',
    changes: false,
    operatorOnly: false,
  },
  {
    name: 'prep',
    form: `${SLASH_COMMAND} prep <stage>`,
    example: `${SLASH_COMMAND} prep dev`,
    summary:
      'scale the target proxy to at least the capture proxy count, wait until its targets are healthy, snapshot the baseline and post a readiness verdict',
    changes: true,
    operatorOnly: true,
  },
  {
    name: 'shift',
    form: `${SLASH_COMMAND} shift <stage> <percent>`,
    example: `${SLASH_COMMAND} shift dev 10`,
    summary: 'request sending <percent> of new traffic to the target proxy (100 = full switchover); needs approval',
    changes: true,
    operatorOnly: true,
  },
  {
    name: 'plan',
    form: `${SLASH_COMMAND} plan <stage> <percents> [every <N>m]`,
    example: `${SLASH_COMMAND} plan dev 1,5,25,50,100 every 10m`,
    summary:
      'request a gradual switchover: steps of increasing percent (at most 10), each baked 2-120 minutes (default 10); approved once, advanced by the judge, fallen back automatically on a breach',
    changes: true,
    operatorOnly: true,
  },
  {
    name: 'pause',
    form: `${SLASH_COMMAND} pause <stage>`,
    example: `${SLASH_COMMAND} pause dev`,
    summary: "hold the stage's running plan at its step (a breach still falls back)",
    changes: true,
    operatorOnly: true,
  },
  {
    name: 'resume',
    form: `${SLASH_COMMAND} resume <stage>`,
    example: `${SLASH_COMMAND} resume dev`,
    summary: "continue the stage's paused plan, within what was approved",
    changes: true,
    operatorOnly: true,
  },
  {
    name: 'status',
    form: `${SLASH_COMMAND} status [<stage>]`,
    example: `${SLASH_COMMAND} status dev`,
    summary: 'what the watch says, weights, health of both sides, ECS counts, traffic split, errors and latency against the baseline, connections, pending requests, and a chart',
    changes: false,
    operatorOnly: false,
  },
  {
    name: 'fallback',
    form: `${SLASH_COMMAND} fallback <stage>`,
    example: `${SLASH_COMMAND} fallback dev`,
    summary: 'request all traffic back to the source proxy; needs approval',
    changes: true,
    operatorOnly: true,
  },
  {
    name: 'history',
    form: `${SLASH_COMMAND} history <stage> [<page>]`,
    example: `${SLASH_COMMAND} history dev`,
    summary: 'the audit trail: who asked, who approved, what changed, when',
    changes: false,
    operatorOnly: false,
  },
  {
    name: 'cancel',
    form: `${SLASH_COMMAND} cancel <stage>`,
    example: `${SLASH_COMMAND} cancel dev`,
    summary: "withdraw the stage's pending request, or end its running plan leaving the weights as they are (its requester or an approver may)",
    changes: true,
    // The same people as Reject: the core decides (the requester, or anyone on SWITCHOVER_APPROVERS).
    operatorOnly: false,
  },
];

export function usageOf(name: CommandName): CommandUsage {
  const usage = COMMANDS.find((c) => c.name === name);
  if (!usage) throw new Error(`no usage for ${name}`);
  return usage;
}
