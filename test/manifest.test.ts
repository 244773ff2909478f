// manifest.yml against Slack's app manifest schema (slackapi/manifest-schema, schemas/manifest.schema.2.0.0.json):
// the fields this app uses, their types and length limits, and that the scopes cover every Web API method
// the bot calls (chat.getPermalink, views.open and auth.test need no scope).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// js-yaml is a devDependency; no types needed for one call.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };

type Obj = Record<string, any>;
const manifest = yaml.load(readFileSync(join(__dirname, '..', 'manifest.yml'), 'utf8')) as Obj;

function only(obj: Obj, allowed: string[]) {
  expect(Object.keys(obj).filter((k) => !allowed.includes(k))).toEqual([]);
}

describe('manifest.yml', () => {
  it('uses only schema fields, with the schema types and limits', () => {
    only(manifest, ['_metadata', 'display_information', 'features', 'oauth_config', 'settings']);
    expect(manifest._metadata).toEqual({ major_version: expect.any(Number), minor_version: expect.any(Number) });
    expect([1, 2]).toContain(manifest._metadata.major_version);

    const d = manifest.display_information;
    only(d, ['name', 'description', 'long_description', 'background_color']);
    expect(d.name.length).toBeGreaterThanOrEqual(1);
    expect(d.name.length).toBeLessThanOrEqual(35);
    expect(d.description.length).toBeLessThanOrEqual(140);
    expect(d.long_description.length).toBeGreaterThanOrEqual(175);
    expect(d.long_description.length).toBeLessThanOrEqual(4000);
    expect(d.background_color).toMatch(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/);

    only(manifest.features, ['bot_user', 'slash_commands']);
    only(manifest.features.bot_user, ['display_name', 'always_online']);
    expect(manifest.features.bot_user.display_name.length).toBeLessThanOrEqual(80);
    for (const command of manifest.features.slash_commands as Obj[]) {
      only(command, ['command', 'url', 'description', 'usage_hint', 'should_escape']);
      expect(command.command).toMatch(/^\/.{1,31}$/);
      expect(command.description.length).toBeLessThanOrEqual(2000);
      expect(command.usage_hint.length).toBeLessThanOrEqual(1000);
      expect(typeof command.should_escape).toBe('boolean');
      // Socket Mode: no request URL (HTTP mode adds `url`, see README.md).
      if (manifest.settings.socket_mode_enabled) expect(command.url).toBeUndefined();
    }

    only(manifest.settings, ['interactivity', 'org_deploy_enabled', 'socket_mode_enabled', 'token_rotation_enabled']);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true });
    for (const key of ['org_deploy_enabled', 'socket_mode_enabled', 'token_rotation_enabled']) expect(typeof manifest.settings[key]).toBe('boolean');
  });

  it('asks for the scopes of every Web API method the bot calls, and no more', () => {
    const needed: Record<string, string | null> = {
      'chat.postMessage': 'chat:write',
      'chat.update': 'chat:write',
      'chat.postEphemeral': 'chat:write',
      'chat.getPermalink': null,
      'files.getUploadURLExternal': 'files:write',
      'files.completeUploadExternal': 'files:write',
      'usergroups.users.list': 'usergroups:read',
      'views.open': null,
      'auth.test': null,
    };
    const scopes = new Set<string>(['commands', ...Object.values(needed).filter((s): s is string => s !== null)]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...scopes].sort());
  });
});
