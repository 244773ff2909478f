// A small Block Kit validator: the limits and rules Slack enforces on the blocks this bot sends (messages
// through chat.postMessage / chat.update / response_url, and the approval modal through views.open), as
// documented in Slack's Block Kit reference (blocks, block elements, composition objects, view objects).
// Real Slack rejects a violating payload with `invalid_blocks` (or truncates it); our fakes accept anything,
// so tests run this to prove the real contract. It returns every violation, as "path: problem" lines.

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  blockId: 255,
  actionId: 255,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  modalTitle: 24,
  modalSubmit: 24,
  modalClose: 24,
  privateMetadata: 3000,
  callbackId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** chat.postMessage truncates `text` beyond this. */
  messageText: 40_000,
} as const;

/** Characters, as Slack counts them (UTF-16 code units are what JavaScript measures; close enough here). */
const len = (s: string) => [...s].length;

function textObject(v: unknown, path: string, out: string[], opts: { max: number; plainOnly?: boolean; min?: number }): void {
  if (!isObj(v)) {
    out.push(`${path}: must be a text object`);
    return;
  }
  if (v.type !== 'plain_text' && v.type !== 'mrkdwn') out.push(`${path}.type: must be plain_text or mrkdwn, got ${String(v.type)}`);
  if (opts.plainOnly && v.type !== 'plain_text') out.push(`${path}.type: must be plain_text`);
  if (typeof v.text !== 'string') {
    out.push(`${path}.text: must be a string`);
    return;
  }
  const n = len(v.text);
  if (n < (opts.min ?? 1)) out.push(`${path}.text: must not be empty`);
  if (n > opts.max) out.push(`${path}.text: ${n} characters, more than ${opts.max}`);
  if (v.emoji !== undefined && v.type !== 'plain_text') out.push(`${path}.emoji: only plain_text takes the emoji flag`);
  if (v.verbatim !== undefined && v.type !== 'mrkdwn') out.push(`${path}.verbatim: only mrkdwn takes the verbatim flag`);
  if (v.type === 'mrkdwn') unescaped(v.text, `${path}.text`, out);
}

/**
 * `&`, `<` and `>` are control characters in mrkdwn: a bare one must be escaped (&amp; &lt; &gt;). Allowed:
 * Slack's own tokens (<@U..>, <!subteam^S..>, <#C..>, <!date^..|..>, <!here> etc., <http..|..> links)
 * and the three entities.
 */
function unescaped(text: string, path: string, out: string[]): void {
  const stripped = text
    .replace(/<(?:@[UW][A-Z0-9]+|#[CG][A-Z0-9]+(?:\|[^<>]*)?|!subteam\^[A-Z0-9]+(?:\|[^<>]*)?|!date\^[^<>|]+\|[^<>]*|!(?:here|channel|everyone)|(?:https?|mailto):[^<>|\s]+(?:\|[^<>]*)?)>/g, '')
    .replace(/&(?:amp|lt|gt);/g, '');
  const bad = /[<>&]/.exec(stripped);
  if (bad) out.push(`${path}: unescaped "${bad[0]}" in mrkdwn near "${stripped.slice(Math.max(0, bad.index - 20), bad.index + 20)}"`);
}

function confirmObject(v: unknown, path: string, out: string[]): void {
  if (!isObj(v)) return void out.push(`${path}: must be a confirmation dialog object`);
  textObject(v.title, `${path}.title`, out, { max: LIMITS.confirmTitle, plainOnly: true });
  textObject(v.text, `${path}.text`, out, { max: LIMITS.confirmText });
  textObject(v.confirm, `${path}.confirm`, out, { max: LIMITS.confirmButton, plainOnly: true });
  textObject(v.deny, `${path}.deny`, out, { max: LIMITS.confirmButton, plainOnly: true });
  if (v.style !== undefined && v.style !== 'primary' && v.style !== 'danger') out.push(`${path}.style: must be primary or danger`);
}

function button(v: Obj, path: string, out: string[], actionIds: Set<string>): void {
  textObject(v.text, `${path}.text`, out, { max: LIMITS.buttonText, plainOnly: true });
  actionId(v.action_id, path, out, actionIds);
  if (v.value !== undefined && (typeof v.value !== 'string' || len(v.value) > LIMITS.buttonValue || v.value.length === 0)) {
    out.push(`${path}.value: must be a non-empty string of at most ${LIMITS.buttonValue} characters`);
  }
  if (v.url !== undefined && (typeof v.url !== 'string' || len(v.url) > LIMITS.buttonUrl)) out.push(`${path}.url: at most ${LIMITS.buttonUrl} characters`);
  if (v.style !== undefined && v.style !== 'primary' && v.style !== 'danger') out.push(`${path}.style: must be primary or danger`);
  if (v.confirm !== undefined) confirmObject(v.confirm, `${path}.confirm`, out);
  for (const key of Object.keys(v)) {
    if (!['type', 'text', 'action_id', 'value', 'url', 'style', 'confirm', 'accessibility_label'].includes(key)) out.push(`${path}.${key}: not a button field`);
  }
}

function actionId(v: unknown, path: string, out: string[], actionIds: Set<string>): void {
  if (v === undefined) return;
  if (typeof v !== 'string' || v.length === 0 || len(v) > LIMITS.actionId) {
    out.push(`${path}.action_id: must be a non-empty string of at most ${LIMITS.actionId} characters`);
    return;
  }
  if (actionIds.has(v)) out.push(`${path}.action_id: "${v}" is not unique`);
  actionIds.add(v);
}

function block(b: unknown, path: string, out: string[], blockIds: Set<string>, surface: 'message' | 'modal'): void {
  if (!isObj(b)) return void out.push(`${path}: must be a block object`);
  if (b.block_id !== undefined) {
    if (typeof b.block_id !== 'string' || b.block_id.length === 0 || len(b.block_id) > LIMITS.blockId) {
      out.push(`${path}.block_id: must be a non-empty string of at most ${LIMITS.blockId} characters`);
    } else if (blockIds.has(b.block_id)) {
      out.push(`${path}.block_id: "${b.block_id}" is not unique`);
    } else {
      blockIds.add(b.block_id);
    }
  }
  // action_ids must be unique within a block (and Slack wants them unique across the message, too).
  const actionIds = new Set<string>();
  switch (b.type) {
    case 'header':
      textObject(b.text, `${path}.text`, out, { max: LIMITS.headerText, plainOnly: true });
      break;
    case 'section': {
      if (b.text === undefined && b.fields === undefined) out.push(`${path}: a section needs text or fields`);
      if (b.text !== undefined) textObject(b.text, `${path}.text`, out, { max: LIMITS.sectionText });
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields) || b.fields.length === 0) out.push(`${path}.fields: must be a non-empty array`);
        else {
          if (b.fields.length > LIMITS.sectionFields) out.push(`${path}.fields: ${b.fields.length} fields, more than ${LIMITS.sectionFields}`);
          b.fields.forEach((f, i) => textObject(f, `${path}.fields[${i}]`, out, { max: LIMITS.fieldText }));
        }
      }
      if (b.accessory !== undefined) {
        if (isObj(b.accessory) && b.accessory.type === 'button') button(b.accessory, `${path}.accessory`, out, actionIds);
        else out.push(`${path}.accessory: only buttons are checked here`);
      }
      break;
    }
    case 'context': {
      if (!Array.isArray(b.elements) || b.elements.length === 0) out.push(`${path}.elements: must be a non-empty array`);
      else {
        if (b.elements.length > LIMITS.contextElements) out.push(`${path}.elements: ${b.elements.length} elements, more than ${LIMITS.contextElements}`);
        b.elements.forEach((e, i) => {
          if (isObj(e) && e.type === 'image') return;
          textObject(e, `${path}.elements[${i}]`, out, { max: LIMITS.contextText });
        });
      }
      break;
    }
    case 'actions': {
      if (!Array.isArray(b.elements) || b.elements.length === 0) out.push(`${path}.elements: must be a non-empty array`);
      else {
        if (b.elements.length > LIMITS.actionsElements) out.push(`${path}.elements: more than ${LIMITS.actionsElements} elements`);
        b.elements.forEach((e, i) => {
          if (isObj(e) && e.type === 'button') button(e, `${path}.elements[${i}]`, out, actionIds);
          else out.push(`${path}.elements[${i}]: only buttons are checked here`);
        });
      }
      break;
    }
    case 'divider':
      break;
    default:
      out.push(`${path}.type: ${String(b.type)} is not a block this validator knows${surface === 'modal' ? ' for modals' : ''}`);
  }
}

function blocks(list: unknown, path: string, out: string[], surface: 'message' | 'modal'): void {
  if (!Array.isArray(list)) return void out.push(`${path}: must be an array`);
  const max = surface === 'message' ? LIMITS.messageBlocks : LIMITS.modalBlocks;
  if (list.length > max) out.push(`${path}: ${list.length} blocks, more than ${max}`);
  const blockIds = new Set<string>();
  list.forEach((b, i) => block(b, `${path}[${i}]`, out, blockIds, surface));
}

/** A message as chat.postMessage / chat.update / response_url take it. Empty list: Slack would take it. */
export function messageViolations(message: unknown): string[] {
  const out: string[] = [];
  if (!isObj(message)) return ['message: must be an object'];
  const hasBlocks = Array.isArray(message.blocks) && message.blocks.length > 0;
  if (message.text === undefined || message.text === '') {
    // Slack accepts blocks without text but then has no notification / screen-reader fallback.
    out.push(hasBlocks ? 'text: missing fallback text alongside blocks' : 'text: a message needs text or blocks');
  } else if (typeof message.text !== 'string') {
    out.push('text: must be a string');
  } else if (len(message.text) > LIMITS.messageText) {
    out.push(`text: ${len(message.text)} characters, more than ${LIMITS.messageText}`);
  }
  if (message.blocks !== undefined) blocks(message.blocks, 'blocks', out, 'message');
  return out;
}

/** A modal view as views.open takes it. */
export function modalViolations(view: unknown): string[] {
  const out: string[] = [];
  if (!isObj(view)) return ['view: must be an object'];
  if (view.type !== 'modal') out.push('view.type: must be modal');
  textObject(view.title, 'view.title', out, { max: LIMITS.modalTitle, plainOnly: true });
  if (view.submit !== undefined) textObject(view.submit, 'view.submit', out, { max: LIMITS.modalSubmit, plainOnly: true });
  if (view.close !== undefined) textObject(view.close, 'view.close', out, { max: LIMITS.modalClose, plainOnly: true });
  if (view.private_metadata !== undefined && (typeof view.private_metadata !== 'string' || len(view.private_metadata) > LIMITS.privateMetadata)) {
    out.push(`view.private_metadata: must be a string of at most ${LIMITS.privateMetadata} characters`);
  }
  if (view.callback_id !== undefined && (typeof view.callback_id !== 'string' || len(view.callback_id) > LIMITS.callbackId)) {
    out.push(`view.callback_id: at most ${LIMITS.callbackId} characters`);
  }
  const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
  if (hasInput && view.submit === undefined) out.push('view.submit: required when the view has input blocks');
  blocks(view.blocks, 'view.blocks', out, 'modal');
  return out;
}
