// Small Block Kit helpers shared by the builders in src/blocks. Pure: data in, blocks out.
import type { types } from '@slack/bolt';

export type Block = types.KnownBlock;

export function section(markdown: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: markdown } };
}

export function header(text: string): types.HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text, emoji: true } };
}

export function context(markdown: string): types.ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: markdown }] };
}

export function divider(): types.DividerBlock {
  return { type: 'divider' };
}

/** Mention syntax for a user ID (U/W...) or a user-group ID (S...). */
export function mention(id: string): string {
  return id.startsWith('S') ? `<!subteam^${id}>` : `<@${id}>`;
}

/** `<#C123>` links for channel IDs. */
export function channelLink(id: string): string {
  return `<#${id}>`;
}

/** "a, b or c" */
export function listInWords(items: readonly string[], conjunction = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** Escapes the three characters Slack mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
