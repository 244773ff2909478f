// "Older" on a history page: the next page replaces the (ephemeral) message in place.
import { HISTORY_PAGE_ACTION, historyBlocks, parseHistoryPageValue } from '../../blocks/history';
import { errorMessage } from '../../core/format';
import { checkChannel } from '../authorize';
import { answer, type Button, clickLogger } from './common';

export const historyPageButton: Button = {
  actionId: HISTORY_PAGE_ACTION,
  async click(deps, args) {
    const log = clickLogger(deps, args);
    const value = parseHistoryPageValue(args.action.value);
    if (!value) {
      await answer(args, 'This button carries no valid page; use `/switchover history &lt;stage&gt; &lt;page&gt;`.', log);
      return;
    }
    const typed = `\`/switchover history ${value.stage} ${value.page}\``;
    const channel = args.body.channel?.id;
    if (channel) {
      const where = checkChannel(deps.config, channel, typed);
      if (!where.allowed) {
        await answer(args, where.reason, log);
        return;
      }
    }
    try {
      const page = await deps.approvals.history(value.stage, value.page);
      await args.respond({ response_type: 'ephemeral', replace_original: true, ...historyBlocks(page) });
    } catch (error) {
      log.error({ err: error, outcome: 'failed' }, 'history page failed');
      await answer(args, `${typed} failed: ${errorMessage(error)}`, log);
    }
  },
};
