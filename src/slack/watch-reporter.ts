// Shows a watched switchover in Slack: one progress message in the request's thread, updated in place each
// minute; alerts, pinned-connection offers and the end of the watch as channel messages so they are seen.
import type { webApi } from '@slack/bolt';
import {
  completedMessage,
  guardrailAlertMessage,
  pinnedConnectionsMessage,
  watchEndedMessage,
  watchProgressMessage,
} from '../blocks/watch';
import type { GuardrailBreach } from '../core/judge';
import type { WatchEndReason, WatchReporter } from '../core/watch';
import type { PinnedConnections, WatchInfo, WatchTick } from '../core/watch-tick';
import type { Logger } from '../logger';

export class SlackWatchReporter implements WatchReporter {
  constructor(
    private readonly slack: webApi.WebClient,
    private readonly logger: Logger,
  ) {}

  async progress(tick: WatchTick): Promise<string | undefined> {
    const { channel, threadTs, messageTs } = tick.watch;
    const message = watchProgressMessage(tick);
    if (messageTs) {
      await this.slack.chat.update({ channel, ts: messageTs, ...message });
      return messageTs;
    }
    const posted = await this.slack.chat.postMessage({ channel, thread_ts: threadTs, ...message });
    return posted.ts;
  }

  async alert(watch: WatchInfo, breach: GuardrailBreach): Promise<void> {
    await this.slack.chat.postMessage({ channel: watch.channel, ...guardrailAlertMessage(watch, breach) });
  }

  async pinned(watch: WatchInfo, pinned: PinnedConnections): Promise<void> {
    await this.slack.chat.postMessage({ channel: watch.channel, ...pinnedConnectionsMessage(watch, pinned) });
  }

  async completed(watch: WatchInfo, tick: WatchTick): Promise<void> {
    await this.slack.chat.postMessage({ channel: watch.channel, ...completedMessage(watch, tick) });
  }

  async ended(watch: WatchInfo, reason: Exclude<WatchEndReason, 'completed'>): Promise<void> {
    await this.slack.chat.postMessage({ channel: watch.channel, thread_ts: watch.threadTs, ...watchEndedMessage(watch, reason) });
  }

  log(level: 'info' | 'warn' | 'error', message: string, error?: unknown): void {
    this.logger[level]({ err: error }, message);
  }
}
