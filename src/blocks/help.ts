// `/switchover help`: every command on one line, the two-person rule in a sentence, and who may do what.
import { COMMANDS } from '../commands/usage';
import { STAGE_NAME_RULE } from '../core/stage';
import { type Block, channelLink, context, escapeMrkdwn, header, listInWords, section } from './common';
import { mention } from '../core/format';
import type { Config } from '../config';

/** Empty lists: any channel; anyone may run every command; anyone but the requester may approve. */
type HelpInput = Pick<Config, 'approvalTtlMinutes' | 'access'>;

export function helpText(): string {
  return escapeMrkdwn(COMMANDS.map((c) => `${c.form}: ${c.summary}`).join('\n'));
}

export function helpBlocks({ approvalTtlMinutes, access }: HelpInput): Block[] {
  // `<stage>` is a Slack control sequence unless escaped, even inside backticks.
  const commands = COMMANDS.map((c) => `\`${escapeMrkdwn(c.form)}\`  ${escapeMrkdwn(c.summary)}`).join('\n');
  const approvers =
    access.approvers.length > 0
      ? `someone other than the requester from ${listInWords(access.approvers.map(mention))}`
      : 'someone other than the requester';
  const rule =
    `*Two-person rule:* every change of traffic (\`shift\`, \`plan\`, \`fallback\`) is posted as a request that ${approvers} ` +
    `must approve with its button within ${approvalTtlMinutes} minutes; the weights are re-read before they are applied. ` +
    `A plan is approved once, for all its steps and its automatic fallback on a breach.`;
  const who: string[] = [`A stage is ${STAGE_NAME_RULE} (e.g. \`dev\`).`];
  if (access.channels.length > 0) who.push(`Commands are accepted in ${listInWords(access.channels.map(channelLink))}.`);
  if (access.operators.length > 0) {
    const operatorCommands = COMMANDS.filter((c) => c.operatorOnly).map((c) => `\`${c.name}\``);
    who.push(`${listInWords(operatorCommands, 'and')} are for ${listInWords(access.operators.map(mention))}.`);
  }
  return [header('Switchover: move client traffic to the target cluster'), section(commands), section(rule), context(who.join(' '))];
}
