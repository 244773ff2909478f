// Block Kit messages as readable plain text: for the terminal rehearsal, logs and anything else that shows a
// bot message outside Slack. Pure: message in, text out. Mrkdwn becomes plain words (bold, italics, code
// marks dropped; mentions, channel links, dates and links spelled out), buttons become `[Label]`.

/** The parts of a Slack message this renders (chat.postMessage / chat.update / response_url arguments). */
export interface MessageLike {
  text?: unknown;
  blocks?: unknown;
}

export interface PlainTextOptions {
  /** Display names for user and user-group IDs, e.g. { U0ALICE: 'alice' }; unknown IDs print as `@ID`. */
  names?: Record<string, string>;
  /** Emoji codes the bot uses as symbols; default EMOJI. Unknown codes stay `:name:`. */
  emoji?: Record<string, string>;
}

/** The emoji codes the bot's messages use, as terminal-friendly symbols. */
export const EMOJI: Record<string, string> = {
  white_check_mark: '[ok]',
  heavy_check_mark: '[ok]',
  hourglass_flowing_sand: '[..]',
  hourglass: '[..]',
  pushpin: '[pin]',
  white_circle: '[  ]',
  warning: '[!]',
  x: '[x]',
  no_entry: '[x]',
  rotating_light: '[!!]',
  bar_chart: '[chart]',
  large_green_circle: '(ok)',
  large_yellow_circle: '(!)',
  red_circle: '(x)',
  tada: '*',
  information_source: '(i)',
};

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Slack mrkdwn (or plain_text) as plain words. */
export function mrkdwnToPlain(text: string, options: PlainTextOptions = {}): string {
  const names = options.names ?? {};
  const who = (id: string) => `@${names[id] ?? id}`;
  let out = text.replace(/<([^<>]+)>/g, (_whole, inner: string) => {
    const [target = '', label] = splitLabel(inner);
    if (target.startsWith('@')) return label ? `@${label}` : who(target.slice(1));
    if (target.startsWith('#')) return label ? `#${label}` : `#${names[target.slice(1)] ?? target.slice(1)}`;
    if (target.startsWith('!subteam^')) return label ? label : who(target.slice('!subteam^'.length));
    if (target.startsWith('!date^')) return label ?? dateFallback(target);
    if (target.startsWith('!')) return `@${label ?? target.slice(1)}`; // !here, !channel
    return label ? `${label} (${target})` : target;
  });
  // Emphasis marks only where Slack treats them as marks: at word edges.
  out = out
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, '$1$2')
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, '$1$2')
    .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/g, '$1$2')
    .replace(/```\n?([\s\S]*?)\n?```/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1');
  const emoji = options.emoji ?? EMOJI;
  out = out.replace(/:([a-z0-9_+-]+):/g, (whole, code: string) => emoji[code] ?? whole);
  return out.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function splitLabel(inner: string): [string, string | undefined] {
  const bar = inner.indexOf('|');
  return bar === -1 ? [inner, undefined] : [inner.slice(0, bar), inner.slice(bar + 1)];
}

function dateFallback(target: string): string {
  const seconds = Number(target.split('^')[1]);
  return Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString().replace('.000Z', 'Z') : target;
}

function textOf(element: unknown, options: PlainTextOptions): string {
  if (!isObj(element)) return '';
  const text = str(element.text);
  return element.type === 'mrkdwn' ? mrkdwnToPlain(text, options) : text;
}

function elementText(element: unknown, options: PlainTextOptions): string {
  if (!isObj(element)) return '';
  switch (element.type) {
    case 'button': {
      const label = textOf(element.text, options) || str(element.action_id);
      return `[${label}]`;
    }
    case 'image':
      return `[image: ${str(element.alt_text)}]`;
    case 'mrkdwn':
    case 'plain_text':
      return textOf(element, options);
    default:
      return textOf(isObj(element.placeholder) ? element.placeholder : element.text, options) || `[${str(element.type)}]`;
  }
}

function blockText(block: unknown, options: PlainTextOptions): string[] {
  if (!isObj(block)) return [];
  switch (block.type) {
    case 'header': {
      const title = textOf(block.text, options);
      return [title.toUpperCase(), '='.repeat(Math.min(60, title.length))];
    }
    case 'section': {
      const lines: string[] = [];
      if (block.text) lines.push(textOf(block.text, options));
      if (Array.isArray(block.fields)) {
        for (const field of block.fields) {
          // A field is usually "*Title*\nvalue": print it as "Title: value".
          const [title = '', ...rest] = textOf(field, options).split('\n');
          lines.push(rest.length ? `${title}: ${rest.join(' / ')}` : title);
        }
      }
      if (block.accessory) lines.push(elementText(block.accessory, options));
      return lines;
    }
    case 'context': {
      const parts = Array.isArray(block.elements) ? block.elements.map((e) => elementText(e, options)) : [];
      return parts.join(' ').split('\n').map((line) => `  ${line}`);
    }
    case 'divider':
      return ['-'.repeat(40)];
    case 'actions':
      return [Array.isArray(block.elements) ? block.elements.map((e) => elementText(e, options)).join(' ') : ''];
    case 'image':
      return [`[image: ${str(block.alt_text) || str(isObj(block.title) ? block.title.text : '')}]`];
    case 'input': {
      const label = textOf(block.label, options);
      return [`${label}: ${elementText(block.element, options)}`];
    }
    default:
      return isObj(block.text) ? [textOf(block.text, options)] : [];
  }
}

/**
 * The message as lines of plain text: its blocks when it has any (Slack shows those, `text` being the
 * notification fallback), else its `text`.
 */
export function messageToPlainText(message: MessageLike, options: PlainTextOptions = {}): string {
  const blocks = Array.isArray(message.blocks) ? message.blocks : [];
  const lines = blocks.length > 0 ? blocks.flatMap((b) => blockText(b, options)) : [mrkdwnToPlain(str(message.text), options)];
  return lines
    .join('\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** A modal view (views.open) as text: its title, blocks and submit/close buttons. */
export function viewToPlainText(view: unknown, options: PlainTextOptions = {}): string {
  if (!isObj(view)) return '';
  const title = textOf(view.title, options);
  const body = messageToPlainText({ blocks: view.blocks }, options);
  const buttons = [view.submit, view.close].filter(isObj).map((b) => `[${textOf(b, options)}]`).join(' ');
  return [`${title ? `${title.toUpperCase()}\n${'='.repeat(Math.min(60, title.length))}\n` : ''}${body}`, buttons]
    .filter(Boolean)
    .join('\n');
}
