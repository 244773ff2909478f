// The container runs the bot exactly as `npm start` does (same environment, Node flags and entry point), and its
// HEALTHCHECK asks the right /healthz in either mode.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { runHealthcheck } from './support/healthcheck';

const ROOT = join(__dirname, '..');
const dockerfile = () => readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

describe('deployment', () => {
  it("starts the container with npm start's command", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile());
    expect(cmd).not.toBeNull();
    const words = pkg.scripts.start.trim().split(/\s+/);
    const settings = words.filter((w, i) => words.slice(0, i + 1).every((x) => /^[A-Z_][A-Z0-9_]*=/.test(x)));
    expect(JSON.parse(cmd![1]!)).toEqual(words.slice(settings.length));
    // What npm start sets before node, the image sets as its environment.
    expect(settings).not.toEqual([]);
    for (const setting of settings) expect(dockerfile()).toMatch(new RegExp(`^(ENV)?\\s+${setting}( \\\\)?$`, 'm'));
  });

  it('sets in its environment only variables the README explains', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const set = [...dockerfile().matchAll(/^(?:ENV)?\s+([A-Z][A-Z0-9_]*)=\S*( \\)?$/gm)].map((m) => m[1]!);
    expect(set).toEqual(expect.arrayContaining(['SWITCHOVER_DATA_DIR', 'SWITCHOVER_HEALTH_PORT']));
    expect(set.filter((name) => !readme.includes(`\`${name}\``) && !readme.includes(`\`${name}=`))).toEqual([]);
  });

  describe('HEALTHCHECK', () => {
    let server: Server;
    let port: number;
    let status = 200;
    const asked: string[] = [];
    beforeAll(async () => {
      server = createServer((request, response) => {
        asked.push(request.url ?? '');
        response.writeHead(status).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    beforeEach(() => {
      status = 200;
      asked.length = 0;
    });

    it('asks /healthz on PORT in HTTP mode, and on SWITCHOVER_HEALTH_PORT in Socket Mode', async () => {
      expect(await runHealthcheck({ PORT: String(port), SWITCHOVER_HEALTH_PORT: '1' })).toBe(0);
      expect(await runHealthcheck({ SLACK_APP_TOKEN: 'xapp-1', SWITCHOVER_HEALTH_PORT: String(port), PORT: '1' })).toBe(0);
      expect(asked).toEqual(['/healthz', '/healthz']);
    });

    it('fails on an unhealthy answer, on nothing listening, and in Socket Mode without a health port', async () => {
      status = 503;
      expect(await runHealthcheck({ PORT: String(port) })).toBe(1);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      expect(await runHealthcheck({ PORT: String(port) })).toBe(1);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      expect(await runHealthcheck({ SLACK_APP_TOKEN: 'xapp-1' })).toBe(1);
    });

    it('is on by default in the image for Socket Mode', () => {
      expect(dockerfile()).toMatch(/^ENV SWITCHOVER_HEALTH_PORT=\d+$/m);
    });
  });
});
