import { isParseError, parseCommand, type ParseError } from '../../src/commands/parse';

function error(text: string): string {
  const result = parseCommand(text);
  if (!isParseError(result)) throw new Error(`expected a parse error for "${text}", got ${JSON.stringify(result)}`);
  return (result as ParseError).message;
}

describe('parseCommand', () => {
  it.each([
    ['', { name: 'help' }],
    ['   ', { name: 'help' }],
    ['help', { name: 'help' }],
    ['HELP', { name: 'help' }],
    ['help shift', { name: 'help' }],
    ['prep dev', { name: 'prep', stage: 'dev' }],
    ['  prep   wave-1  ', { name: 'prep', stage: 'wave-1' }],
    ['shift dev 10', { name: 'shift', stage: 'dev', percent: 10 }],
    ['shift dev 0', { name: 'shift', stage: 'dev', percent: 0 }],
    ['shift dev 100', { name: 'shift', stage: 'dev', percent: 100 }],
    ['shift dev 25%', { name: 'shift', stage: 'dev', percent: 25 }],
    ['Shift Gamma 50', { name: 'shift', stage: 'Gamma', percent: 50 }],
    ['status', { name: 'status' }],
    ['status dev', { name: 'status', stage: 'dev' }],
    ['fallback dev', { name: 'fallback', stage: 'dev' }],
    ['history dev', { name: 'history', stage: 'dev' }],
    ['history dev 3', { name: 'history', stage: 'dev', page: 3 }],
    ['cancel dev', { name: 'cancel', stage: 'dev' }],
    ['prep abcdefghijklmno', { name: 'prep', stage: 'abcdefghijklmno' }],
  ])('parses %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it('names an unknown subcommand, suggests the closest one and lists them all', () => {
    const message = error('shfit dev 10');
    expect(message).toContain('`shfit` is not a /switchover command');
    expect(message).toContain('Did you mean `/switchover shift`?');
    expect(message).toContain('`prep`, `shift`, `plan`, `pause`, `resume`, `status`, `fallback`, `history`, `cancel`');
  });

  it('makes no guess for a word far from every command', () => {
    expect(error('deploy dev')).not.toContain('Did you mean');
  });

  it.each(['prep', 'shift', 'fallback', 'history', 'cancel'])('says the stage is missing for %s, with the form', (name) => {
    const message = error(name);
    expect(message).toContain('the stage is missing');
    expect(message).toContain(`\`/switchover ${name} &lt;stage&gt;`);
    expect(message).toMatch(new RegExp(`e\\.g\\. \`/switchover ${name} dev`));
  });

  it.each(['dev_1', 'abcdefghijklmnop', 'dév', 'a.b'])('rejects the malformed stage %j with the rule', (stage) => {
    const message = error(`prep ${stage}`);
    expect(message).toContain('is not a stage name: it ');
    expect(message).toContain('letters, digits and hyphens, starting with a letter or digit, at most 15 characters');
    expect(message).toContain('Try `/switchover prep &lt;stage&gt;`');
  });

  it('checks the stage of status too', () => {
    expect(error('status dev_1')).toContain('is not a stage name');
  });

  it.each(['abc', '10.5', '101', '-1', '+5', '1e2', '50%%', '1000'])('rejects the percent %j with the right form', (percent) => {
    expect(error(`shift dev ${percent}`)).toBe(
      `\`/switchover shift dev ${percent}\`: the percent must be a whole number from 0 to 100. Try \`/switchover shift dev 10\`.`,
    );
  });

  it('says the percent is missing', () => {
    const message = error('shift gamma');
    expect(message).toContain('the percent is missing');
    expect(message).toContain('`/switchover shift gamma 10`');
  });

  it.each([
    ['prep dev now', 'now', '/switchover prep &lt;stage&gt;'],
    ['shift dev 10 please', 'please', '/switchover shift &lt;stage&gt; &lt;percent&gt;'],
    ['status dev extra words', 'extra words', '/switchover status [&lt;stage&gt;]'],
    ['fallback dev 0', '0', '/switchover fallback &lt;stage&gt;'],
    ['history dev 2 3', '3', '/switchover history &lt;stage&gt; [&lt;page&gt;]'],
    ['cancel dev request', 'request', '/switchover cancel &lt;stage&gt;'],
  ])('rejects extra words in %j', (text, extra, form) => {
    const message = error(text);
    expect(message).toContain(`unexpected \`${extra}\``);
    expect(message).toContain(`The form is \`${form}\``);
  });

  it.each(['0', 'two', '-1', '1.5'])('rejects the history page %j', (page) => {
    expect(error(`history dev ${page}`)).toContain('the page must be a whole number from 1 up. Try `/switchover history dev 2`.');
  });

  it('echoes the input safely: no backticks, bounded length', () => {
    const message = error(`prep ${'`'}x${'`'}`);
    expect(message.startsWith("`/switchover prep 'x'`")).toBe(true);
    const long = error(`bogus ${'x'.repeat(300)}`);
    expect(long.length).toBeLessThan(400);
  });
});

describe('parseCommand with text as Slack sends it', () => {
  it('tells an operator who copied the angle brackets from the usage hint to leave them out', () => {
    const result = parseCommand('prep &lt;dev&gt;');
    expect(isParseError(result) && result.message).toContain('leave out the angle brackets: `/switchover prep dev`');
  });

  it('never cuts an escaped character in half when it shortens what it quotes back', () => {
    const result = parseCommand(`prep ${'&lt;'.repeat(40)}`);
    expect(isParseError(result) && result.message).not.toMatch(/&[a-z]*…/);
  });
});
