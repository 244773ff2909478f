// manifest.yml against Slack's app manifest schema (slackapi/manifest-schema, schemas/manifest.schema.2.0.0.json):
// the fields this app uses, their types and length limits, and that the scopes cover every Web API method
// the bot calls (chat.getPermalink, views.open and auth.test need no scope).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, SLASH_COMMAND } from '../src/commands/usage';
import { filesUnder } from './support/source-files';

// js-yaml is a devDependency; no types needed for one call.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };

type Obj = Record<string, any>;
const manifest = yaml.load(readFileSync(join(__dirname, '..', 'manifest.yml'), 'utf8')) as Obj;

function only(obj: Obj, allowed: string[]) {
  expect(Object.keys(obj).filter((k) => !allowed.includes(k))).toEqual([]);
}

/** Web API methods the source calls on a WebClient (`client.chat.update(`, `this.slack.usergroups.users.list(` ...). */
function webApiMethodsCalled(): string[] {
  const methods = new Set<string>();
  for (const file of filesUnder(join(__dirname, '..', 'src'))) {
    const source = readFileSync(file, 'utf8');
    for (const [, method] of source.matchAll(/\b(?:client|slack)\.([a-z]+(?:\.[a-zA-Z]+)+)\(/g)) methods.add(method!);
    // The SDK's upload helper is two Web API calls.
    if (/\.filesUploadV2\(/.test(source)) methods.add('files.getUploadURLExternal').add('files.completeUploadExternal');
  }
  return [...methods].sort();
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

  it('hints at every command form the bot accepts, as help gives them', () => {
    const [command] = manifest.features.slash_commands as Obj[];
    expect(command!.command).toBe(SLASH_COMMAND);
    // `pause|resume <stage>` stands for both forms.
    const hinted = (command!.usage_hint as string).split(' | ').flatMap((part) => {
      const [, names = '', rest = ''] = /^([a-z|]+)(.*)$/.exec(part) ?? [];
      return names.split('|').map((name) => `${SLASH_COMMAND} ${name}${rest}`);
    });
    expect(hinted.sort()).toEqual(COMMANDS.map((c) => c.form).sort());
  });

  it('asks for the scopes of every Web API method the bot calls, and no more', () => {
    // Slack's scope of each method (api.slack.com/methods); the methods are those the code calls.
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
    const called = webApiMethodsCalled();
    expect(called).toEqual(expect.arrayContaining(['chat.postMessage', 'usergroups.users.list', 'files.completeUploadExternal']));
    expect(called.filter((method) => !(method in needed))).toEqual([]);
    const scopes = new Set<string>(['commands', ...called.map((method) => needed[method]).filter((s): s is string => s !== null && s !== undefined)]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...scopes].sort());
  });

  it('is the app the README tells you to create: its scopes, Socket Mode and interactivity', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const start = readme.indexOf('\n## Create the Slack app');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const scopesNamed = [...section.matchAll(/`([a-z]+:[a-z]+|commands)`/g)].map((m) => m[1]!).filter((s) => s !== 'connections:write');
    expect([...new Set(scopesNamed)].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(section).toContain('Socket Mode');
    expect(section).toContain('interactivity');
  });
});
