// `/switchover status [<stage>]`. With a stage: the full status, posted in the channel (charts can only be
// uploaded to a channel or thread, not ephemerally) with its charts in the thread. Without one: every stage
// on one line, only for the caller.
import type { CommandOf } from '../../../commands/parse';
import { section } from '../../../blocks/common';
import { stageListMessage } from '../../../blocks/status';
import { errorMessage } from '../../../core/format';
import { gatherStatus, listStatus } from '../../../core/status';
import { statusContext, stageListEntries } from '../../../slack/status-context';
import { postStatus } from '../../../slack/status-post';
import type { SubcommandHandler } from './types';

export const status: SubcommandHandler<CommandOf<'status'>> = async (ctx) => {
  const { deps, command } = ctx;
  const stage = command.stage;

  if (stage === undefined) {
    let lines;
    try {
      lines = await listStatus(deps.core, await stageListEntries(deps));
    } catch (error) {
      await ctx.reply(`Could not list the stages: ${errorMessage(error)}. Try \`/switchover status &lt;stage&gt;\` with a stage name.`);
      return;
    }
    await ctx.reply(stageListMessage(lines));
    return;
  }

  const { context, journalProblem } = await statusContext(deps, stage);
  let gathered;
  try {
    gathered = await gatherStatus(deps.core, stage, context);
  } catch (error) {
    // Only resolving the stage can throw; every other read is reported inside the status.
    ctx.log.info({ err: error, outcome: 'failed' }, 'status: stage not resolved');
    await ctx.reply(`Could not read the status of ${stage}: ${errorMessage(error)}`);
    return;
  }
  if (journalProblem) gathered.unknown.push(journalProblem);

  const outcome = await postStatus(
    { slack: deps.slack, charts: deps.core.charts, logger: ctx.log, margins: deps.config.watch },
    ctx.channel,
    gathered,
    ctx.user,
  );
  if (!outcome.posted) {
    ctx.log.warn({ outcome: 'not-posted', slackError: outcome.error }, 'status could not be posted in the channel');
    await ctx.reply({
      text: outcome.message.text,
      blocks: [
        section(`:warning: I could not post the status in the channel: ${outcome.error} Here it is for you only, without charts.`),
        ...outcome.message.blocks,
      ],
    });
    return;
  }
  ctx.log.info({ outcome: 'posted', charts: outcome.charts, ...(outcome.chartsNote ? { chartsNote: outcome.chartsNote } : {}) }, 'status posted');
};
