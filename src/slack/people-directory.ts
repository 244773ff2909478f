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

interface CachedGroup {
  members: ReadonlySet<string>;
  fetchedAt: number;
}

export class SlackPeopleDirectory implements PeopleDirectory {
  private readonly cache = new Map<string, CachedGroup>();
  private readonly inFlight = new Map<string, Promise<ReadonlySet<string>>>();

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

  private async members(groupId: string): Promise<ReadonlySet<string>> {
    const cached = this.cache.get(groupId);
    if (cached && this.clock.now() - cached.fetchedAt < this.cacheMs) return cached.members;
    const pending = this.inFlight.get(groupId);
    if (pending) return pending;
    const lookup = this.fetch(groupId).finally(() => this.inFlight.delete(groupId));
    this.inFlight.set(groupId, lookup);
    return lookup;
  }

  private async fetch(groupId: string): Promise<ReadonlySet<string>> {
    try {
      const result = await this.client.usergroups.users.list({ usergroup: groupId });
      const members = new Set(result.users ?? []);
      this.cache.set(groupId, { members, fetchedAt: this.clock.now() });
      return members;
    } catch (error) {
      throw new GroupLookupError(groupId, describeSlackError(error));
    }
  }
}
