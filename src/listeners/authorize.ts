// Who may run what, where. Channels come from SWITCHOVER_CHANNELS (empty: any channel); operators and
// approvers from SWITCHOVER_OPERATORS / SWITCHOVER_APPROVERS (empty: anyone), user groups resolved
// through the PeopleDirectory. A group that cannot be checked refuses: access is never granted by default.
import { channelLink, listInWords } from '../blocks/common';
import { mention } from '../core/format';
import type { Config } from '../config';
import type { PeopleDirectory } from '../core/ports';
import { GroupLookupError } from '../slack/people-directory';

export type AccessDecision = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: AccessDecision = { allowed: true };

/** `what` is the command as typed, e.g. "`/switchover shift dev 10`". */
export function checkChannel(config: Config, channelId: string, what: string): AccessDecision {
  const channels = config.access.channels;
  if (channels.length === 0 || channels.includes(channelId)) return ALLOWED;
  return {
    allowed: false,
    reason: `${what} is not accepted in this channel. Run it in ${listInWords(channels.map(channelLink))}, where the switchover is coordinated.`,
  };
}

export type Role = 'operator' | 'approver';

const ROLE_SETTING: Record<Role, string> = { operator: 'SWITCHOVER_OPERATORS', approver: 'SWITCHOVER_APPROVERS' };

/**
 * Whether `userId` is on the list for `role`. `what` names what they tried to do, e.g.
 * "run `/switchover shift dev 10`" or "approve this request".
 */
export async function checkRole(
  people: PeopleDirectory,
  list: readonly string[],
  role: Role,
  userId: string,
  what: string,
): Promise<AccessDecision> {
  if (list.length === 0) return ALLOWED;
  try {
    if (await people.isListed(userId, list)) return ALLOWED;
  } catch (error) {
    if (error instanceof GroupLookupError) {
      return {
        allowed: false,
        reason:
          `I could not check whether you may ${what}: the members of ${mention(error.groupId)} could not be read (${error.reason}). ` +
          `I refuse until they can be checked; try again in a minute, or ask an admin to look at the bot's logs.`,
      };
    }
    throw error;
  }
  return {
    allowed: false,
    reason: `Only ${listInWords(list.map(mention))} may ${what}. Ask one of them, or ask an admin to add you to ${ROLE_SETTING[role]}.`,
  };
}
