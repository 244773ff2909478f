// `/switchover help`: every command on one line, the two-person rule in a sentence, and who may do what.
import { COMMANDS } from '../commands/usage';
import { STAGE_NAME_RULE } from '../core/stage';
import { type Block, channelLink, context, escapeMrkdwn, header, listInWords, section } from './common';
import { mention } from '../core/format';

export interface HelpInput {
  approvalTtlMinutes: number;
  /** Channels where commands are accepted; empty means any. */
  channels: readonly string[];
  /** Users and groups who may run prep and request changes; empty means anyone. */
  operators: readonly string[];
  /** Users and groups who may approve; empty means anyone but the requester. */
  approvers: readonly string[];
}

export function helpText(): string {
  return escapeMrkdwn(COMMANDS.map((c) => `${c.form}: ${c.summary}`).join('\n'));
}

export function helpBlocks(input: HelpInput): Block[] {
  // `<stage>` is a Slack control sequence unless escaped, even inside backticks.
  const commands = COMMANDS.map((c) => `\`${escapeMrkdwn(c.form)}\`  ${escapeMrkdwn(c.summary)}`).join('\n');
  const approvers =
    input.approvers.length > 0
      ? `someone other than the requester from ${listInWords(input.approvers.map(mention))}`
      : 'someone other than the requester';
  const rule =
    `*Two-person rule:* every change of traffic (\`shift\`, \`plan\`, \`fallback\`) is posted as a request that ${approvers} ` +
    `must approve with its button within ${input.approvalTtlMinutes} minutes; the weights are re-read before they are applied. ` +
    `A plan is approved once, for all its steps and its automatic fallback on a breach.`;
  const who: string[] = [`A stage is ${STAGE_NAME_RULE} (e.g. \`dev\`).`];
  if (input.channels.length > 0) who.push(`Commands are accepted in ${listInWords(input.channels.map(channelLink))}.`);
  if (input.operators.length > 0) {
    const operatorCommands = COMMANDS.filter((c) => c.operatorOnly).map((c) => `\`${c.name}\``);
    who.push(`${listInWords(operatorCommands, 'and')} are for ${listInWords(input.operators.map(mention))}.`);
  }
  return [header('Switchover: move client traffic to the target cluster'), section(commands), section(rule), context(who.join(' '))];
}
