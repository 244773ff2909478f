import { codePoint, isValidStageName, stageNameProblem } from '../../src/core/stage';

describe('stage names', () => {
  it.each(['dev', 'wave-1', 'a', '1st', 'abcdefghijklmno', 'x-'])('accepts %j', (name) => {
    expect(isValidStageName(name)).toBe(true);
    expect(stageNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['-', 'it starts with `-`'],
    ['---', 'it starts with `-`'],
    ['-dev', 'it starts with `-`'],
    ['', 'it is empty'],
    ['abcdefghijklmnop', 'it is 16 characters long'],
    ['dev_1', 'it contains `_`'],
    ['dev\u200b', 'it contains U+200B, an invisible or special character'],
    ['\ufeffdev', 'it contains U+FEFF, an invisible or special character'],
    ['d\u0435v', 'it contains U+0435, a character that only looks like a plain letter or digit'],
    ['dev\u0661', 'it contains U+0661, a character that only looks like a plain letter or digit'],
  ])('refuses %j: %s', (name, problem) => {
    expect(isValidStageName(name)).toBe(false);
    expect(stageNameProblem(name)).toContain(problem);
  });

  it('writes code points as Unicode does', () => {
    expect(codePoint(0x200b)).toBe('U+200B');
    expect(codePoint(0x41)).toBe('U+0041');
    expect(codePoint(0x1f600)).toBe('U+1F600');
  });
});
