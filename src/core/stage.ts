// Migration Assistant stage names, as the CDK code accepts them (e.g. `dev`, `gamma`, `wave1`).

/** The rule in words, for messages that reject a stage name. */
export const STAGE_NAME_RULE = 'letters, digits and hyphens, starting with a letter or digit, at most 15 characters';

const STAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,14}$/;
const MAX_LENGTH = 15;

export function isValidStageName(name: string): boolean {
  return STAGE_NAME.test(name);
}

/**
 * Why `name` is not a stage name, in words, or undefined when it is one. A character outside plain ASCII is
 * named by its code point (U+200B), because an invisible one or a look-alike (Cyrillic `е` for `e`) cannot be
 * seen in the echoed name.
 */
export function stageNameProblem(name: string): string | undefined {
  if (isValidStageName(name)) return undefined;
  for (const char of name) {
    const code = char.codePointAt(0)!;
    if (code > 0x7e || code < 0x21) {
      const kind = /\p{L}|\p{N}/u.test(char) ? 'a character that only looks like a plain letter or digit' : 'an invisible or special character';
      return `it contains ${codePoint(code)}, ${kind}; retype the name using ${STAGE_NAME_RULE}`;
    }
  }
  const other = [...name].find((c) => !/[A-Za-z0-9-]/.test(c));
  if (other !== undefined) return `it contains \`${other}\`; use ${STAGE_NAME_RULE}`;
  if (name.length > MAX_LENGTH) return `it is ${name.length} characters long; use ${STAGE_NAME_RULE}`;
  if (name === '') return `it is empty; use ${STAGE_NAME_RULE}`;
  return `it starts with \`${name.charAt(0)}\`; use ${STAGE_NAME_RULE}`;
}

/** E.g. "U+200B". */
export function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
