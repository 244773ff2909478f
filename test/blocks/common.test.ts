import { clipText, escapeText } from '../../src/blocks/common';

describe('escapeText', () => {
  it('escapes markup but keeps the mentions and dates the core writes on purpose', () => {
    expect(escapeText('a <b> & <@U123> <!subteam^S1> <!date^1^{time}|12:00 UTC> <!channel>')).toBe(
      'a &lt;b&gt; &amp; <@U123> <!subteam^S1> <!date^1^{time}|12:00 UTC> &lt;!channel&gt;',
    );
  });
});

describe('clipText', () => {
  it('leaves short text alone and never cuts an entity or a Slack token in half', () => {
    expect(clipText('short', 10)).toBe('short');
    expect(clipText('abc &amp; def', 7)).toBe('abc …');
    expect(clipText('hi <@U123456> there', 8)).toBe('hi …');
  });
});
