// `/switchover help`: usage, ephemeral.
import { helpBlocks, helpText } from '../../../blocks/help';
import type { CommandOf } from '../../../commands/parse';
import type { SubcommandHandler } from './types';

export const help: SubcommandHandler<CommandOf<'help'>> = async (ctx) => {
  const { access, approvalTtlMinutes } = ctx.deps.config;
  await ctx.reply({
    text: helpText(),
    blocks: helpBlocks({ approvalTtlMinutes, channels: access.channels, operators: access.operators, approvers: access.approvers }),
  });
};
