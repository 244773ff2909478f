// `/switchover help`: usage, ephemeral, in the acknowledgement itself.
import { helpBlocks, helpText } from '../../../blocks/help';
import type { CommandOf } from '../../../commands/parse';
import type { AnsweredInAck } from './types';

export const help: AnsweredInAck<CommandOf<'help'>> = {
  answerInAck(_command, deps) {
    const { access, approvalTtlMinutes } = deps.config;
    return {
      text: helpText(),
      blocks: helpBlocks({ approvalTtlMinutes, channels: access.channels, operators: access.operators, approvers: access.approvers }),
    };
  },
};
