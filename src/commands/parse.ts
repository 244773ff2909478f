// Parses the text after `/switchover` into a typed command. Pure: no Slack, no AWS.
// Every error says what was wrong and the right form, so the operator can retype it at once.
import { clipText, escapeMrkdwn } from '../blocks/common';
import { isValidStageName, stageNameProblem } from '../core/stage';
import { DEFAULT_BAKE_MINUTES, MAX_BAKE_MINUTES, MIN_BAKE_MINUTES, planProblem } from '../core/plan/plan';
import { COMMANDS, SLASH_COMMAND, usageOf, type CommandName } from './usage';

export type ParsedCommand =
  | { name: 'help' }
  | { name: 'prep'; stage: string }
  | { name: 'shift'; stage: string; percent: number }
  | { name: 'plan'; stage: string; steps: number[]; bakeMinutes: number }
  | { name: 'pause'; stage: string }
  | { name: 'resume'; stage: string }
  | { name: 'status'; stage?: string }
  | { name: 'fallback'; stage: string }
  | { name: 'history'; stage: string; page?: number }
  | { name: 'cancel'; stage: string };

export interface ParseError {
  name: 'invalid';
  /** Slack mrkdwn: what was wrong and the right form. */
  message: string;
}

/** The command of a given name, e.g. `CommandOf<'shift'>`. */
export type CommandOf<N extends ParsedCommand['name']> = Extract<ParsedCommand, { name: N }>;

export function isParseError(result: ParsedCommand | ParseError): result is ParseError {
  return result.name === 'invalid';
}

const EXAMPLE_STAGE = 'dev';
const ECHO_LIMIT = 80;

export function parseCommand(text: string): ParsedCommand | ParseError {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { name: 'help' };
  const [first, ...args] = words as [string, ...string[]];
  const typed = `\`${echo(`${SLASH_COMMAND} ${words.join(' ')}`)}\``;
  const sub = first.toLowerCase();
  const fail = (message: string): ParseError => ({ name: 'invalid', message: `${typed}: ${message}` });

  if (!isCommandName(sub)) {
    const hint = closest(sub);
    return fail(
      `\`${echo(first)}\` is not a ${SLASH_COMMAND} command.` +
        (hint ? ` Did you mean \`${SLASH_COMMAND} ${hint}\`?` : '') +
        ` The commands are ${COMMANDS.map((c) => `\`${c.name}\``).join(', ')}; \`${SLASH_COMMAND} help\` shows how to use them.`,
    );
  }
  // Help with words after it still shows help: that is what the operator asked for.
  if (sub === 'help') return { name: 'help' };

  const usage = usageOf(sub);
  const stageArg = args[0];
  if (stageArg === undefined && sub !== 'status') {
    return fail(`the stage is missing. Try \`${formOf(usage)}\`, e.g. \`${usage.example}\`.`);
  }
  if (stageArg !== undefined && !isValidStageName(stageArg)) {
    // Slack sends `<dev>` (copied from the usage hint) as `&lt;dev&gt;`.
    const bracketed = /^&lt;(.*)&gt;$/.exec(stageArg)?.[1];
    if (bracketed !== undefined && isValidStageName(bracketed)) {
      return fail(`leave out the angle brackets: \`${SLASH_COMMAND} ${sub} ${bracketed}${args.length > 1 ? ' …' : ''}\`.`);
    }
    return fail(
      `\`${echo(stageArg)}\` is not a stage name: ${stageNameProblem(stageArg)}. Try \`${formOf(usage)}\`, e.g. \`${usage.example}\`.`,
    );
  }
  const stage = stageArg ?? EXAMPLE_STAGE;
  const extra = (from: number): ParseError =>
    fail(`unexpected \`${echo(args.slice(from).join(' '))}\`. The form is \`${formOf(usage)}\`, e.g. \`${exampleFor(sub, stage)}\`.`);

  switch (sub) {
    case 'status':
      if (args.length > 1) return extra(1);
      return stageArg === undefined ? { name: 'status' } : { name: 'status', stage };
    case 'prep':
    case 'fallback':
    case 'cancel':
    case 'pause':
    case 'resume':
      if (args.length > 1) return extra(1);
      return { name: sub, stage };
    case 'shift': {
      const raw = args[1];
      if (raw === undefined) {
        return fail(
          `the percent is missing: how much new traffic should go to the target proxy (100 = full switchover)? Try \`${exampleFor('shift', stage)}\`.`,
        );
      }
      const percent = parsePercent(raw);
      if (percent === undefined) {
        return fail(`the percent must be a whole number from 0 to 100. Try \`${exampleFor('shift', stage)}\`.`);
      }
      if (args.length > 2) return extra(2);
      return { name: 'shift', stage, percent };
    }
    case 'plan':
      return parsePlan(args.slice(1), stage, fail);
    case 'history': {
      const raw = args[1];
      if (raw === undefined) return { name: 'history', stage };
      if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1) {
        return fail(`the page must be a whole number from 1 up. Try \`${SLASH_COMMAND} history ${stage} 2\`.`);
      }
      if (args.length > 2) return extra(2);
      return { name: 'history', stage, page: Number(raw) };
    }
  }
}

/** `<percents> [every <N>m]`: the steps, comma-separated (spaces after commas are fine), and the bake time. */
function parsePlan(words: string[], stage: string, fail: (message: string) => ParseError): ParsedCommand | ParseError {
  const example = exampleFor('plan', stage);
  const every = words.findIndex((w) => w.toLowerCase() === 'every');
  const stepWords = every === -1 ? words : words.slice(0, every);
  if (stepWords.length === 0) {
    return fail(`the steps are missing: the percents of new traffic to the target proxy, in order, separated by commas. Try \`${example}\`.`);
  }
  // Words are joined with a space, not glued: `1 5` is two numbers without a comma, never the step 15.
  const raw = stepWords.join(' ').split(',').map((item) => item.trim());
  const steps: number[] = [];
  for (const item of raw) {
    if (/^\d{1,3}%?(\s+\d{1,3}%?)+$/.test(item)) {
      return fail(`\`${echo(item)}\` is more than one number: separate the steps with commas, e.g. \`${item.split(/\s+/).join(',')}\`. Try \`${example}\`.`);
    }
    const match = /^(\d{1,3})%?$/.exec(item);
    if (!match) {
      return fail(
        `\`${echo(item || ',')}\` is not a step: give whole percents from 1 to 100, separated by commas, e.g. \`1,5,25,50,100\`. Try \`${example}\`.`,
      );
    }
    steps.push(Number(match[1]));
  }
  let bakeMinutes = DEFAULT_BAKE_MINUTES;
  if (every !== -1) {
    // `every 10 m` is read as `every 10m`: the unit may stand apart from the number.
    const unit = words[every + 2];
    const unitApart = unit !== undefined && /^(m|min|mins|minutes?)$/i.test(unit) && /^\d{1,4}$/.test(words[every + 1] ?? '');
    if (unitApart) words = [...words.slice(0, every + 1), `${words[every + 1]}${unit}`, ...words.slice(every + 3)];
    const bake = words[every + 1];
    const match = bake === undefined ? null : /^(\d{1,4})(m|min|mins|minutes?)?$/i.exec(bake);
    if (!match) {
      return fail(
        `after \`every\` give the bake time in whole minutes from ${MIN_BAKE_MINUTES} to ${MAX_BAKE_MINUTES}, e.g. \`every 10m\`. Try \`${example}\`.`,
      );
    }
    bakeMinutes = Number(match[1]);
    if (words.length > every + 2) {
      return fail(`unexpected \`${echo(words.slice(every + 2).join(' '))}\`. The form is \`${formOf(usageOf('plan'))}\`, e.g. \`${example}\`.`);
    }
  }
  const problem = planProblem({ steps, bakeMinutes });
  if (problem) return fail(`${problem}. Try \`${example}\`.`);
  return { name: 'plan', stage, steps, bakeMinutes };
}

/** Integer 0-100, with an optional trailing `%`. */
function parsePercent(raw: string): number | undefined {
  const match = /^(\d{1,3})%?$/.exec(raw);
  if (!match) return undefined;
  const value = Number(match[1]);
  return value <= 100 ? value : undefined;
}

/** The usage form for Slack mrkdwn: `<stage>` must be written `&lt;stage&gt;` or Slack parses it as a link. */
function formOf(usage: { form: string }): string {
  return escapeMrkdwn(usage.form);
}

/** The command's example from the usage table, for the stage the operator typed. */
function exampleFor(name: CommandName, stage: string): string {
  return usageOf(name).example.replace(` ${EXAMPLE_STAGE}`, ` ${stage}`);
}

function isCommandName(word: string): word is CommandName {
  return COMMANDS.some((c) => c.name === word);
}

/** Keeps echoed input readable inside inline code: no backticks, bounded length. */
function echo(text: string): string {
  // Slack sends the text with & < > already escaped; anything that is not (a forged or replayed request) is
  // escaped here, so echoed input can never become a mention or a link. clipText never cuts an entity in half.
  return clipText(escapeMrkdwn(text).replace(/`/g, "'"), ECHO_LIMIT);
}

/** The command a typo most likely meant (at most two edits away), if any. */
function closest(word: string): CommandName | undefined {
  let best: { name: CommandName; distance: number } | undefined;
  for (const { name } of COMMANDS) {
    const distance = editDistance(word, name);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
