// `/switchover help`: usage, ephemeral, in the acknowledgement itself.
import type { RespondArguments } from '@slack/bolt';
import { helpBlocks, helpText } from '../../../blocks/help';
import type { CommandOf } from '../../../commands/parse';
import type { Config } from '../../../config';
import type { AnsweredInAck } from './types';

// Usage depends on the configuration only, which never changes while the bot runs: built once.
const answers = new WeakMap<Config, RespondArguments>();

export const help: AnsweredInAck<CommandOf<'help'>> = {
  answerInAck(_command, { config }) {
    let answer = answers.get(config);
    if (!answer) {
      answer = { text: helpText(), blocks: helpBlocks(config) };
      answers.set(config, answer);
    }
    return answer;
  },
};
