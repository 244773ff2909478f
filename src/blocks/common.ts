// Small Block Kit helpers shared by the builders in src/blocks. Pure: data in, blocks out.
import type { types } from '@slack/bolt';
import type { z } from 'zod';

export type Block = types.KnownBlock;

/** A message as chat.postMessage / chat.update take it: `text` is the notification and screen-reader fallback. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

// Block Kit limits (Slack's block reference): a section's or context element's text 3000 characters, a
// header's plain text 150. Slack rejects a longer one with invalid_blocks, so the helpers clip.
export const SECTION_TEXT_MAX = 3000;
export const HEADER_TEXT_MAX = 150;
/** A section field's text, and the number of blocks in one message. */
export const FIELD_TEXT_MAX = 2000;
export const MAX_BLOCKS = 50;

/**
 * At most `max` characters, with an ellipsis when cut. Never cuts inside an `&amp;`-style entity or a
 * `<@U123>`-style Slack token: half of one would leave a bare `&` or `<`, which Slack parses as markup.
 */
export function clipText(text: string, max: number = SECTION_TEXT_MAX): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  const open = cut.lastIndexOf('<');
  if (open >= 0 && open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  return `${cut}…`;
}

export function section(markdown: string): types.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clipText(markdown, SECTION_TEXT_MAX) } };
}

export function plain(text: string): types.PlainTextElement {
  return { type: 'plain_text', text, emoji: true };
}

export function header(text: string): types.HeaderBlock {
  return { type: 'header', text: plain(clipText(text, HEADER_TEXT_MAX)) };
}

export function context(markdown: string): types.ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clipText(markdown, SECTION_TEXT_MAX) }] };
}

export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): types.Button {
  return { type: 'button', text: plain(text), action_id: actionId, value, ...(style ? { style } : {}) };
}

export function divider(): types.DividerBlock {
  return { type: 'divider' };
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

/**
 * Escapes the three characters Slack mrkdwn treats as control characters. An entity already escaped (`&amp;`,
 * `&lt;`, `&gt;`: text as Slack sends it, typed commands included) is left as it is, never escaped twice.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&(?!(?:amp|lt|gt);)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack tokens written on purpose (mentions, dates) pass; any other `<`, `>` and `&` is escaped. */
const SLACK_TOKEN = /<(?:@[UW][A-Z0-9]+|!subteam\^[A-Z0-9]+|!date\^[^<>|]+\|[^<>]*)>/g;

export function escapeText(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(SLACK_TOKEN)) {
    out += escapeMrkdwn(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + escapeMrkdwn(text.slice(last));
}

/** A button's value read back (JSON, as our blocks wrote it); undefined when it does not fit `schema`. */
export function parseButtonValue<T>(schema: z.ZodType<T>, value: string | undefined): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(value ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
