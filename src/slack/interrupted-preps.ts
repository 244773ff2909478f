// At start: a prep the bot was running when it stopped (its `prep.started` has no `prep.ended`) would show
// "running" forever. Its progress message is brought to a plain final state instead: interrupted, run prep again.
import type { webApi } from '@slack/bolt';
import type { BackgroundTask } from '../background';
import { section } from '../blocks/common';
import { hhmm, mention } from '../core/format';
import { interruptedPreps } from '../core/journal';
import type { Clock, JournalPort } from '../core/ports';
import type { Logger } from '../logger';

export interface InterruptedPrepsDeps {
  journal: JournalPort;
  slack: webApi.WebClient;
  clock: Clock;
  logger: Logger;
}

/** What an interrupted prep's progress message says once the bot is back. */
export function interruptedPrepText(stage: string, by: string, startedAt: number): string {
  return (
    `Prep \`${stage}\` (started by ${mention(by)} at ${hhmm(startedAt)} UTC) was interrupted: the bot stopped before it finished. ` +
    `Run \`/switchover prep ${stage}\` again; it is safe, nothing is scaled twice.`
  );
}

export class InterruptedPreps implements BackgroundTask {
  readonly name = 'interrupted-preps';

  constructor(private readonly deps: InterruptedPrepsDeps) {}

  async start(): Promise<void> {
    const { journal, slack, clock, logger } = this.deps;
    for (const prep of interruptedPreps(await journal.readAll())) {
      const text = interruptedPrepText(prep.stage, prep.by, Date.parse(prep.at));
      try {
        await slack.chat.update({ channel: prep.channel, ts: prep.messageTs, text, blocks: [section(text)] });
      } catch (error) {
        // Left unended: the next start tries again. The bot starts whatever Slack says.
        logger.warn({ err: error, stage: prep.stage }, 'could not mark an interrupted prep in its progress message');
        continue;
      }
      logger.warn({ stage: prep.stage, messageTs: prep.messageTs }, 'a prep was interrupted by a stop of the bot; its message says so');
      await journal
        .append({ type: 'prep.ended', at: new Date(clock.now()).toISOString(), stage: prep.stage, messageTs: prep.messageTs, outcome: 'interrupted' })
        .catch((error: unknown) => logger.warn({ err: error }, 'the journal could not record the interrupted prep'));
    }
  }

  async stop(): Promise<void> {}
}
