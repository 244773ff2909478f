// Slack sends every slash command field once, as a string. A field that arrives twice (`channel_id=A&channel_id=B`,
// an array once the form is parsed) is a forged or damaged request: it is refused here, before any listener, so an
// array never reaches the core or the journal.
import type { AnyMiddlewareArgs, App, SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { AppDeps } from './deps';

/** Fields of a form-encoded body that are not single strings, or [] when it is well-formed. */
export function repeatedFields(body: Record<string, unknown>): string[] {
  return Object.keys(body).filter((key) => typeof body[key] !== 'string');
}

/** A slash command body (form-encoded, no `type`), as opposed to the JSON of an interaction or an event. */
function isSlashCommandBody(body: Record<string, unknown>): boolean {
  return !('type' in body) && 'command' in body;
}

export function register(app: App, deps: AppDeps): void {
  app.use(async (args) => {
    const body = (args as AnyMiddlewareArgs).body as unknown as Record<string, unknown>;
    if (isSlashCommandBody(body)) {
      const repeated = repeatedFields(body);
      if (repeated.length > 0) {
        deps.logger.warn({ fields: repeated, outcome: 'invalid' }, 'slash command refused: fields sent more than once');
        await (args as unknown as SlackCommandMiddlewareArgs).ack({
          response_type: 'ephemeral',
          text: `This command arrived malformed (${repeated.map((f) => `\`${f}\``).join(', ')} sent more than once), so nothing was done. Type it again.`,
        });
        return;
      }
    }
    await args.next();
  });
}
