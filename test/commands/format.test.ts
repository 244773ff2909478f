import { commandLogFields, formatCommand } from '../../src/commands/format';
import { parseCommand, type ParsedCommand } from '../../src/commands/parse';

describe('formatCommand', () => {
  it.each(['help', 'prep dev', 'shift dev 10', 'status', 'status dev', 'fallback dev', 'history dev', 'history dev 2', 'cancel dev'])(
    'writes %j back as typed',
    (text) => {
      expect(formatCommand(parseCommand(text) as ParsedCommand)).toBe(`/switchover ${text}`);
    },
  );

  it('gives log fields without the raw text', () => {
    expect(commandLogFields({ name: 'shift', stage: 'dev', percent: 10 })).toEqual({ command: 'shift', stage: 'dev', percent: 10 });
    expect(commandLogFields({ name: 'status' })).toEqual({ command: 'status' });
  });
});
