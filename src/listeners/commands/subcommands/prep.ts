// `/switchover prep <stage>`: the preparation phase (runbook steps 1-7) in the channel. One progress message,
// redrawn in place as each step runs; then the summary with the verdict and the shift buttons, and the
// charts in its thread. One prep per stage at a time: a second one is pointed at the one in progress.
import { formatDuration, prepProgressMessage, prepSummaryMessage } from '../../../blocks/prep';
import { section } from '../../../blocks/common';
import { hhmm, mention, plainMessage } from '../../../core/format';
import type { CommandOf } from '../../../commands/parse';
import { PREP_STEPS, prepInProgress, runPrep, type PrepOutcome } from '../../../core/prep';
import { describeSlackError } from '../../../slack/errors';
import { LiveMessage } from '../../../slack/prep-progress';
import { publishPrepSummary } from '../../../slack/prep-summary';
import type { SubcommandContext, SubcommandHandler } from './types';

interface ActivePrep {
  user: string;
  startedAt: number;
  channel: string;
  /** The progress message, once posted, and a link to it when Slack gave one. */
  ts?: string;
  permalink?: string;
}

/** Preps running in this process, by stage: taken before the first await, so two commands cannot both start. */
const active = new Map<string, ActivePrep>();

function busyText(stage: string, holder: { user: string; startedAt: number; channel?: string; ts?: string; permalink?: string }, now: number): string {
  const where = holder.permalink
    ? `Follow it in <${holder.permalink}|its progress message>`
    : holder.channel
      ? `Its progress message is in <#${holder.channel}>`
      : 'Its progress is shown where it was started';
  return (
    `A prep for \`${stage}\` is already in progress: started by ${mention(holder.user)} at ${hhmm(holder.startedAt)} UTC ` +
    `(${formatDuration(now - holder.startedAt)} ago). ${where}; its summary follows in the channel when it ends. Nothing was started.`
  );
}

export const prep: SubcommandHandler<CommandOf<'prep'>> = async (ctx) => {
  const { stage } = ctx.command;
  const { deps, user, channel } = ctx;
  const now = deps.clock.now();
  const holder = active.get(stage) ?? prepInProgress(stage);
  if (holder) {
    ctx.log.info({ outcome: 'busy', holder: holder.user }, 'prep already in progress');
    await ctx.reply(busyText(stage, holder, now));
    return;
  }
  const run: ActivePrep = { user, startedAt: now, channel };
  active.set(stage, run);
  try {
    await prepInChannel(ctx, run);
  } finally {
    active.delete(stage);
  }
};

async function prepInChannel(ctx: SubcommandContext<CommandOf<'prep'>>, run: ActivePrep): Promise<void> {
  const { stage } = ctx.command;
  const { deps, log, channel, user } = ctx;
  const typed = `\`/switchover prep ${stage}\``;
  const live = new LiveMessage(deps.slack, deps.clock, log, channel);

  const pending = PREP_STEPS.map((s) => ({ ...s, status: 'pending' as const }));
  let ts: string;
  try {
    ts = run.ts = await live.post(prepProgressMessage(stage, pending, run.startedAt, run.startedAt));
  } catch (error) {
    log.warn({ err: error, outcome: 'not_started' }, 'could not post the prep progress message');
    await ctx.reply(`${typed} did not start: ${describeSlackError(error)} Nothing was read or changed.`);
    return;
  }
  // Journaled so that a restart can say this prep was interrupted if the bot stops before it ends.
  const journal = deps.core.journal;
  const at = () => new Date(deps.clock.now()).toISOString();
  await journal
    .append({ type: 'prep.started', at: at(), stage, by: user, channel, messageTs: ts })
    .catch((error: unknown) => log.warn({ err: error }, 'the journal could not record the start of the prep'));
  // Recorded once the progress message shows its final state: from then on it no longer says "running".
  const finish = async (content: Parameters<LiveMessage['finish']>[0], outcome: 'completed' | 'failed') => {
    const shown = await live.finish(content);
    await journal
      .append({ type: 'prep.ended', at: at(), stage, messageTs: ts, outcome })
      .catch((error: unknown) => log.warn({ err: error }, 'the journal could not record the end of the prep'));
    return shown;
  };
  // Only for pointing a second prep at this one: never wait for it.
  void deps.slack.chat.getPermalink({ channel, message_ts: ts }).then(
    (link) => {
      if (link.permalink) run.permalink = link.permalink;
    },
    (error: unknown) => log.debug({ err: error }, 'no permalink for the prep progress message'),
  );

  let outcome: PrepOutcome;
  try {
    outcome = await runPrep(deps.core, { timeoutMinutes: deps.config.prepTimeoutMinutes, settleMs: deps.config.settleMs }, { stage, user }, (progress) =>
      live.update(prepProgressMessage(progress.stage, progress.steps, progress.startedAt, progress.at)),
    );
  } catch (error) {
    // runPrep reports failures as an outcome; this is a bug, but the channel still hears how it ended.
    log.error({ err: error, outcome: 'failed' }, 'prep threw');
    const text = `Prep \`${stage}\` stopped unexpectedly: ${plainMessage(error)}. Running ${typed} again is safe: nothing is scaled twice.`;
    await finish({ text, blocks: [section(text)] }, 'failed');
    await ctx.reply(text);
    return;
  }

  if (outcome.kind === 'busy') {
    // Another prep took the stage between our check and runPrep (not through this channel's command).
    const text = busyText(stage, outcome.holder, deps.clock.now());
    await finish({ text, blocks: [section(text)] }, 'failed');
    await ctx.reply(text);
    return;
  }

  const shown = await finish(prepProgressMessage(stage, outcome.steps, outcome.startedAt, outcome.finishedAt), outcome.kind === 'completed' ? 'completed' : 'failed');
  log.info(
    {
      outcome: outcome.kind,
      ...(outcome.kind === 'completed' ? { verdict: outcome.verdict, scaled: outcome.scaled, waitTimedOut: outcome.waitTimedOut } : { failedStep: outcome.failedStep }),
      progressShown: shown,
    },
    'prep finished',
  );
  try {
    const summary = await publishPrepSummary(deps.slack, deps.core.charts, log, channel, outcome);
    log.info({ summaryTs: summary.ts, charts: summary.uploaded }, 'prep summary posted');
  } catch (error) {
    // The verdict must not be lost: give it to whoever ran the command.
    log.error({ err: error }, 'could not post the prep summary in the channel');
    const summary = prepSummaryMessage(outcome);
    const notice = `The prep summary could not be posted in the channel (${describeSlackError(error)}). Here it is; please share it.`;
    await ctx.reply({ text: `${notice} ${summary.text}`, blocks: [section(notice), ...summary.blocks] });
  }
}
