import { createLogger } from '../src/logger';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', secrets: ['s3cr3t-signing'], destination: { write: (l: string) => void lines.push(l) } });
  return { logger, raw: () => lines.join(''), parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level, time and message', () => {
    const { logger, parsed } = capture();
    logger.info({ user: 'U0ALICE', channel: 'C0SWITCH', command: 'prep' }, 'slash command');
    expect(parsed()[0]).toMatchObject({ level: 'info', user: 'U0ALICE', channel: 'C0SWITCH', command: 'prep', msg: 'slash command', time: expect.any(String) });
  });

  it('redacts secret fields by name', () => {
    const { logger, parsed } = capture();
    logger.info({ token: 'abc', config: { slack: { botToken: 'xoxb-1', signingSecret: 'x' } }, headers: { authorization: 'Bearer y' } }, 'x');
    expect(parsed()[0]).toMatchObject({
      token: '[redacted]',
      config: { slack: { botToken: '[redacted]', signingSecret: '[redacted]' } },
      headers: { authorization: '[redacted]' },
    });
  });

  it('scrubs Slack tokens, raw verification tokens and known secrets from any string, errors included', () => {
    const { logger, raw } = capture();
    logger.warn('token=verif123&team_id=T1 and xoxb-111-222-abc');
    logger.error({ err: new Error('failed with xoxp-999 and s3cr3t-signing') }, 'boom');
    logger.info({ body: '{"token":"verif456","x":1}' }, 'raw');
    expect(raw()).not.toMatch(/verif123|verif456|xoxb-111|xoxp-999|s3cr3t-signing/);
    expect(raw()).toContain('team_id=T1');
  });
});

describe('secret redaction in one scrubbing pass', () => {
  it('redacts secret keys at depth 3, in any case, and in child bindings', () => {
    const { logger, parsed, raw } = capture();
    logger.info({ a: { b: { c: { token: 'deep1' } } }, headers: { Authorization: 'Bearer deep2', PASSWORD: 'deep3' } }, 'x');
    logger.child({ user: 'U0ALICE', botToken: 'child1', config: { slack: { clientSecret: 'child2' } } }).info('from child');
    const grandchild = logger.child({ component: 'bolt' }).child({ nested: { appToken: 'child3' }, text: 'see xoxb-777-888' });
    grandchild.setBindings({ signingSecret: 'child4' });
    grandchild.info('from grandchild');
    const [first, second, third] = parsed();
    expect(first).toMatchObject({ a: { b: { c: { token: '[redacted]' } } }, headers: { Authorization: '[redacted]', PASSWORD: '[redacted]' } });
    expect(second).toMatchObject({ user: 'U0ALICE', botToken: '[redacted]', config: { slack: { clientSecret: '[redacted]' } }, msg: 'from child' });
    expect(third).toMatchObject({ component: 'bolt', nested: { appToken: '[redacted]' }, text: 'see [redacted]', signingSecret: '[redacted]' });
    expect(raw()).not.toMatch(/deep\d|child\d|xoxb-777/);
  });

  it('logs an object without secrets unchanged', () => {
    const { logger, parsed } = capture();
    const fields = { user: 'U0ALICE', channel: 'C0SWITCH', counts: [1, 2, { n: 3 }], nested: { ok: true, none: null, tokens: 5 } };
    logger.child({ command: 'prep' }).info(fields, 'slash command');
    const { level, time, app, msg, ...rest } = parsed()[0]!;
    expect({ level, app, msg }).toEqual({ level: 'info', app: 'switchover-bot', msg: 'slash command' });
    expect(time).toEqual(expect.any(String));
    expect(rest).toEqual({ command: 'prep', ...fields });
  });

  it('never modifies the object it logs', () => {
    const { logger, parsed } = capture();
    const dirty = { keep: { x: 1 }, list: [{ y: 2 }, 'uses s3cr3t-signing'], auth: { password: 'p' } };
    logger.info(dirty, 'x');
    expect(parsed()[0]).toMatchObject({ keep: { x: 1 }, list: [{ y: 2 }, 'uses [redacted]'], auth: { password: '[redacted]' } });
    expect(dirty.auth.password).toBe('p');
    expect(dirty.list[1]).toBe('uses s3cr3t-signing');
  });

  it('logs an error as its type, message, stack and code, scrubbed, and a buffer as its size', () => {
    const { logger, parsed, raw } = capture();
    const error = Object.assign(new TypeError('bad xoxb-1-2'), { code: 'E_BAD', config: { token: 'hidden' } });
    logger.error({ err: error, body: Buffer.from('abc') }, 'x');
    expect(parsed()[0]).toMatchObject({
      err: { type: 'TypeError', message: 'bad [redacted]', stack: expect.stringContaining('bad [redacted]'), code: 'E_BAD' },
      body: '<3 bytes>',
    });
    expect(Object.keys(parsed()[0]!.err as object).sort()).toEqual(['code', 'message', 'stack', 'type']);
    expect(raw()).not.toMatch(/hidden|xoxb-1-2/);
  });

  it('scrubs what toJSON returns, which is what pino would write', () => {
    const { logger, raw } = capture();
    logger.info({ url: new URL('https://example.com/hook?token=verif789') }, 'x');
    const self = { password: 'tojson1', toJSON() { return this; } };
    logger.info({ self, when: new Date(0) }, 'y');
    expect(raw()).not.toMatch(/verif789|tojson1/);
    expect(raw()).toContain('"when":"1970-01-01T00:00:00.000Z"');
  });

  it('does not hang on a cyclic object', () => {
    const { logger, parsed } = capture();
    const cyclic: Record<string, unknown> = { name: 'loop', token: 'cyc1' };
    cyclic.self = cyclic;
    cyclic.list = [cyclic, { back: cyclic }];
    logger.info({ cyclic }, 'cycle');
    logger.child({ cyclic }).info('cycle in a binding');
    expect(parsed()).toHaveLength(2);
    expect(JSON.stringify(parsed())).not.toContain('cyc1');
  });
});
