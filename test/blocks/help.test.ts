// `/switchover help` as data: every command the parser accepts, the two-person rule for every change of traffic,
// and who may run what.
import { helpBlocks, helpText } from '../../src/blocks/help';
import { COMMANDS } from '../../src/commands/usage';

const escaped = (text: string) => text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
const NO_LISTS = { approvalTtlMinutes: 15, access: { channels: [], operators: [], approvers: [] } };
const sections = (blocks: ReturnType<typeof helpBlocks>) => blocks.map((b) => JSON.stringify(b));

describe('help', () => {
  it('gives every command with its form and what it does, in the blocks and the text alike', () => {
    const [, commands] = helpBlocks(NO_LISTS);
    const lines = (commands as { text: { text: string } }).text.text.split('\n');
    expect(lines).toEqual(COMMANDS.map((c) => `\`${escaped(c.form)}\`  ${escaped(c.summary)}`));
    expect(COMMANDS.map((c) => c.name)).toEqual(['help', 'prep', 'shift', 'plan', 'pause', 'resume', 'status', 'fallback', 'history', 'cancel']);
    for (const c of COMMANDS) expect(helpText()).toContain(escaped(c.form));
  });

  it('says the plan is written as its percents and bake, and that cancel also ends a running plan', () => {
    const text = helpText();
    expect(text).toContain('/switchover plan &lt;stage&gt; &lt;percents&gt; [every &lt;N&gt;m]');
    expect(text).toContain('/switchover pause &lt;stage&gt;');
    expect(text).toContain('/switchover resume &lt;stage&gt;');
    expect(text).toMatch(/cancel &lt;stage&gt;: withdraw the stage's pending request, or end its running plan/);
  });

  it('puts every change of traffic, the plan too, under the two-person rule', () => {
    const rule = sections(helpBlocks({ ...NO_LISTS, approvalTtlMinutes: 20 })).find((s) => s.includes('Two-person rule'))!;
    expect(rule).toContain('(`shift`, `plan`, `fallback`)');
    expect(rule).toContain('within 20 minutes');
    expect(rule).toContain('A plan is approved once, for all its steps and its automatic fallback on a breach.');
  });

  it('names the commands operators alone may run, when operators are set', () => {
    expect(sections(helpBlocks(NO_LISTS)).join()).not.toContain(' are for ');
    const who = sections(helpBlocks({ ...NO_LISTS, access: { ...NO_LISTS.access, operators: ['U0ALICE', 'S0OPS'] } })).at(-1)!;
    expect(who).toContain('`prep`, `shift`, `plan`, `pause`, `resume` and `fallback` are for <@U0ALICE> or <!subteam^S0OPS>.');
  });
});
