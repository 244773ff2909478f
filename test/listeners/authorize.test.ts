import { loadConfig } from '../../src/config';
import { checkChannel, checkRole } from '../../src/listeners/authorize';
import { GroupLookupError } from '../../src/slack/people-directory';
import { FakePeople } from '../support/fake-ports';

const config = (channels = '') =>
  loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SWITCHOVER_SIMULATE: 'true', SWITCHOVER_CHANNELS: channels });

describe('checkChannel', () => {
  it('accepts any channel when none is configured', () => {
    expect(checkChannel(config(), 'C0ANY', '`x`')).toEqual({ allowed: true });
  });

  it('names every accepted channel when refusing', () => {
    expect(checkChannel(config('C0ONE,C0TWO'), 'C0ANY', '`/switchover prep dev`')).toEqual({
      allowed: false,
      reason: '`/switchover prep dev` is not accepted in this channel. Run it in <#C0ONE> or <#C0TWO>, where the switchover is coordinated.',
    });
    expect(checkChannel(config('C0ONE,C0TWO'), 'C0TWO', '`x`').allowed).toBe(true);
  });
});

describe('checkRole', () => {
  const people = new FakePeople({ S0APPROVERS: ['U0ERIN'] });

  it('allows anyone when the list is empty', async () => {
    expect(await checkRole(people, [], 'approver', 'U0ANY', 'approve this request')).toEqual({ allowed: true });
  });

  it('allows listed users and group members, refuses others with the setting to change', async () => {
    const list = ['U0BOB', 'S0APPROVERS'];
    expect((await checkRole(people, list, 'approver', 'U0ERIN', 'approve this request')).allowed).toBe(true);
    expect(await checkRole(people, list, 'approver', 'U0MALLORY', 'approve this request')).toEqual({
      allowed: false,
      reason: 'Only <@U0BOB> or <!subteam^S0APPROVERS> may approve this request. Ask one of them, or ask an admin to add you to SWITCHOVER_APPROVERS.',
    });
  });

  it('refuses, saying so, when a group cannot be checked', async () => {
    const failing = { isListed: async () => Promise.reject(new GroupLookupError('S0OPS', 'Slack is rate limiting the bot right now')) };
    const decision = await checkRole(failing, ['S0OPS'], 'operator', 'U0CAROL', 'run `/switchover prep dev`');
    expect(decision.allowed).toBe(false);
    expect(decision).toMatchObject({ reason: expect.stringContaining('the members of <!subteam^S0OPS> could not be read (Slack is rate limiting') });
  });
});
