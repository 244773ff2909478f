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
