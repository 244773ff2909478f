import { errorMessage, INTERNAL_ERROR_TEXT, percentText, plainMessage } from '../../src/core/format';

describe('errors in words', () => {
  it.each([new TypeError('id.startsWith is not a function'), new RangeError('Invalid time value'), new SyntaxError('Unexpected token')])(
    'never shows a JavaScript runtime error (%s) as it is',
    (error) => {
      expect(errorMessage(error)).toBe(INTERNAL_ERROR_TEXT);
      expect(plainMessage(error)).toBe(INTERNAL_ERROR_TEXT);
    },
  );

  it('keeps the words of errors from the outside world, and a network failure of fetch', () => {
    expect(errorMessage(new Error('AccessDenied: not allowed'))).toBe('AccessDenied: not allowed');
    expect(errorMessage(new TypeError('fetch failed: connect ECONNREFUSED'))).toBe('fetch failed: connect ECONNREFUSED');
    expect(errorMessage('plain')).toBe('plain');
  });
});

describe('percentText', () => {
  it('says a percent as every message does: two decimals under 1%, one above, never a rate that is not 0 as 0%', () => {
    expect(percentText(0)).toBe('0%');
    expect(percentText(100 / 30_000)).toBe('0.003%');
    expect(percentText(0.17)).toBe('0.17%');
    expect(percentText(9.84)).toBe('9.8%');
    expect(percentText(100)).toBe('100%');
  });
});
