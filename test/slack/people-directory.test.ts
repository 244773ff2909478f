import { webApi } from '@slack/bolt';
import { ManualClock } from '../../src/adapters/clock';
import { GroupLookupError, SlackPeopleDirectory } from '../../src/slack/people-directory';
import { FakeSlack } from '../support/fake-slack';

describe('SlackPeopleDirectory', () => {
  let fake: FakeSlack;
  let clock: ManualClock;
  let people: SlackPeopleDirectory;
  beforeEach(async () => {
    fake = await FakeSlack.start();
    fake.groups = { S0OPS: ['U0CAROL', 'U0DAVE'], S0LEADS: ['U0ERIN'] };
    clock = new ManualClock();
    const client = new webApi.WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    people = new SlackPeopleDirectory(client, clock);
  });
  afterEach(async () => {
    await fake.stop();
  });

  const lookups = () => fake.callsOf('usergroups.users.list').map((c) => c.args.usergroup);

  it('finds listed users without asking Slack', async () => {
    expect(await people.isListed('U0ALICE', ['U0ALICE', 'S0OPS'])).toBe(true);
    expect(lookups()).toEqual([]);
  });

  it('resolves user groups through usergroups.users.list', async () => {
    expect(await people.isListed('U0DAVE', ['U0ALICE', 'S0OPS'])).toBe(true);
    expect(await people.isListed('U0ERIN', ['S0OPS', 'S0LEADS'])).toBe(true);
    expect(await people.isListed('U0MALLORY', ['U0ALICE', 'S0OPS', 'S0LEADS'])).toBe(false);
    expect(await people.isListed('U0ALICE', [])).toBe(false);
  });

  it('caches a group for a minute, then asks again (membership changes are picked up)', async () => {
    await people.isListed('U0CAROL', ['S0OPS']);
    await people.isListed('U0DAVE', ['S0OPS']);
    expect(lookups()).toEqual(['S0OPS']);
    fake.groups.S0OPS = ['U0DAVE'];
    await clock.advance(60_000);
    expect(await people.isListed('U0CAROL', ['S0OPS'])).toBe(false);
    expect(lookups()).toEqual(['S0OPS', 'S0OPS']);
  });

  it('shares one lookup between concurrent checks', async () => {
    const results = await Promise.all([people.isListed('U0CAROL', ['S0OPS']), people.isListed('U0MALLORY', ['S0OPS'])]);
    expect(results).toEqual([true, false]);
    expect(lookups()).toEqual(['S0OPS']);
  });

  it('throws GroupLookupError, in plain words, when a group cannot be read, and does not cache the failure', async () => {
    fake.fail('usergroups.users.list', 'missing_scope', 1);
    const failure = people.isListed('U0CAROL', ['S0OPS']);
    await expect(failure).rejects.toBeInstanceOf(GroupLookupError);
    await expect(failure).rejects.toMatchObject({ groupId: 'S0OPS', reason: expect.stringContaining('missing the Slack scope') });
    expect(await people.isListed('U0CAROL', ['S0OPS'])).toBe(true);
  });

  it('still allows a user another listed group contains when one group fails', async () => {
    fake.fail('usergroups.users.list', 'no_such_subteam', 1);
    expect(await people.isListed('U0ERIN', ['S0GONE', 'S0LEADS'])).toBe(true);
  });

  it('refuses rather than guesses when the only group that could list the user fails', async () => {
    await expect(people.isListed('U0MALLORY', ['S0GONE', 'S0LEADS'])).rejects.toMatchObject({
      groupId: 'S0GONE',
      reason: expect.stringContaining('does not exist'),
    });
  });
});
