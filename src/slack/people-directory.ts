// Who is on a list of Slack user IDs (U..., W...) and user-group IDs (S...). Group members come from
// `usergroups.users.list`, cached briefly so a burst of commands and clicks costs one call per group.
// A group that cannot be read is never taken as "allowed": isListed throws GroupLookupError instead.
import type { webApi } from '@slack/bolt';
import type { Clock, PeopleDirectory } from '../core/ports';
import { describeSlackError } from './errors';

export const GROUP_CACHE_MS = 60_000;

export class GroupLookupError extends Error {
  constructor(
    readonly groupId: string,
    readonly reason: string,
  ) {
    super(`could not read the members of Slack user group ${groupId}: ${reason}`);
    this.name = 'GroupLookupError';
  }
}

export function isGroupId(id: string): boolean {
  return id.startsWith('S');
}

export class SlackPeopleDirectory implements PeopleDirectory {
  /** Per group, its members as looked up (or being looked up: a burst shares one call) and when the lookup began. */
  private readonly cache = new Map<string, { members: Promise<ReadonlySet<string>>; since: number }>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly clock: Clock,
    private readonly cacheMs = GROUP_CACHE_MS,
  ) {}

  async isListed(userId: string, usersAndGroups: readonly string[]): Promise<boolean> {
    if (usersAndGroups.includes(userId)) return true;
    let failure: GroupLookupError | undefined;
    for (const groupId of usersAndGroups.filter(isGroupId)) {
      try {
        if ((await this.members(groupId)).has(userId)) return true;
      } catch (error) {
        // Another group may still list the user; only refuse for the failure if none does.
        failure ??= error instanceof GroupLookupError ? error : new GroupLookupError(groupId, String(error));
      }
    }
    if (failure) throw failure;
    return false;
  }

  private members(groupId: string): Promise<ReadonlySet<string>> {
    const cached = this.cache.get(groupId);
    if (cached && this.clock.now() - cached.since < this.cacheMs) return cached.members;
    const entry = { members: this.fetch(groupId), since: this.clock.now() };
    this.cache.set(groupId, entry);
    // A failed lookup is not kept: the next check asks Slack again.
    entry.members.catch(() => this.cache.get(groupId) === entry && this.cache.delete(groupId));
    return entry.members;
  }

  private async fetch(groupId: string): Promise<ReadonlySet<string>> {
    try {
      const result = await this.client.usergroups.users.list({ usergroup: groupId });
      return new Set(result.users ?? []);
    } catch (error) {
      throw new GroupLookupError(groupId, describeSlackError(error));
    }
  }
}
