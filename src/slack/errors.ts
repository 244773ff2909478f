// Slack Web API failures in plain words, so a phase can tell the channel (or the operator) what went
// wrong and what to do, instead of "An API error occurred: not_in_channel".
import { plainMessage } from '../core/format';

/** Slack's own error code for a failed call (`not_in_channel`, `ratelimited`, ...), when it is a Slack failure. */
export function slackErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; data?: { error?: unknown }; statusCode?: unknown };
  switch (e.code) {
    case 'slack_webapi_platform_error':
      return typeof e.data?.error === 'string' ? e.data.error : 'unknown_error';
    case 'slack_webapi_rate_limited_error':
      return 'ratelimited';
    case 'slack_webapi_http_error':
      return `http_${String(e.statusCode)}`;
    case 'slack_webapi_request_error':
      return 'request_error';
    case 'slack_bolt_respond_error':
      return 'respond_failed';
    default:
      return undefined;
  }
}

const PLAIN: Record<string, string> = {
  not_in_channel:
    'I am not a member of this channel, so I cannot post here. Invite me with `/invite @switchover` (or the name this app has in your workspace) and try again.',
  channel_not_found:
    'I cannot see this channel: it is private and I have not been invited, or it no longer exists. Invite me with `/invite @switchover` and try again.',
  is_archived: 'This channel is archived; I cannot post in it. Unarchive it or use another channel.',
  msg_too_long: 'The message was too long for Slack.',
  no_text: 'The message had no text (a bug in switchover-bot; please report it).',
  invalid_blocks: 'Slack rejected the message layout (a bug in switchover-bot; please report it).',
  restricted_action: 'A workspace setting prevents me from posting in this channel.',
  not_authed: 'Slack did not accept the bot token: none was sent. Check SLACK_BOT_TOKEN.',
  invalid_auth: 'Slack did not accept the bot token. Check SLACK_BOT_TOKEN (the Bot User OAuth Token, xoxb-...).',
  token_revoked: 'The bot token was revoked. Reinstall the app and update SLACK_BOT_TOKEN.',
  token_expired: 'The bot token expired. Reinstall the app and update SLACK_BOT_TOKEN.',
  account_inactive: 'The bot token belongs to a deleted app or user. Reinstall the app and update SLACK_BOT_TOKEN.',
  no_such_subteam: 'That Slack user group does not exist (any more). Fix the group ID in the configuration.',
  subteam_not_found: 'That Slack user group does not exist (any more). Fix the group ID in the configuration.',
  plan_upgrade_required: 'User groups need a paid Slack plan. List user IDs instead of group IDs.',
  paid_teams_only: 'User groups need a paid Slack plan. List user IDs instead of group IDs.',
  file_upload_failed: 'Slack could not store the uploaded file.',
  expired_trigger_id: 'The button or command expired before I could answer; try again.',
  ratelimited: 'Slack is rate limiting the bot right now; wait a minute and try again.',
  request_error: 'Could not reach Slack (network problem). Try again in a moment.',
  respond_failed: 'Could not answer through Slack (the reply link expired or Slack refused it).',
};

/** One sentence, safe to show in Slack: what Slack said, in words, and what to do about it. */
export function describeSlackError(error: unknown): string {
  const code = slackErrorCode(error);
  if (code === undefined) return plainMessage(error);
  if (code === 'missing_scope') {
    const data = (error as { data?: { needed?: unknown } }).data;
    const needed = typeof data?.needed === 'string' ? ` \`${data.needed}\`` : '';
    return `The bot is missing the Slack scope${needed}. Add it under OAuth & Permissions (manifest.yml lists every scope) and reinstall the app.`;
  }
  const plain = PLAIN[code];
  if (plain) return plain;
  if (code.startsWith('http_')) return `Slack answered with HTTP ${code.slice(5)}. Try again in a moment.`;
  return `Slack refused the call: \`${code}\`.`;
}

/** Failures that pass (rate limits, network, Slack's own 5xx): worth retrying later, unlike `not_in_channel`. */
const TRANSIENT = new Set(['ratelimited', 'request_error', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

export function isTransientSlackError(error: unknown): boolean {
  const code = slackErrorCode(error);
  if (code === undefined) return false;
  return TRANSIENT.has(code) || /^http_5\d\d$/.test(code);
}
