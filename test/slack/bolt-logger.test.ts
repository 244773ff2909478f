import { LogLevel } from '@slack/bolt';
import { createLogger } from '../../src/logger';
import { boltLogger } from '../../src/slack/bolt-logger';

function capture(level = 'debug') {
  const lines: string[] = [];
  const logger = createLogger({ level, secrets: ['signing-secret-value'], destination: { write: (l: string) => void lines.push(l) } });
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('boltLogger', () => {
  it('writes Bolt lines as JSON with a component, scrubbed of tokens and secrets', () => {
    const { logger, lines, parsed } = capture();
    const bolt = boltLogger(logger);
    bolt.debug('http request body:', { token: 'xoxb-123-abc', text: 'hi' });
    bolt.warn('signature', 'signing-secret-value', 'mismatch');
    bolt.error('failed', new Error('xapp-1-A0-secret leaked'));
    expect(parsed().map((l) => [l.level, l.component])).toEqual([
      ['debug', 'bolt'],
      ['warn', 'bolt'],
      ['error', 'bolt'],
    ]);
    const raw = lines.join('');
    expect(raw).not.toMatch(/xoxb-123|xapp-1-A0|signing-secret-value/);
    expect(raw).toContain('[redacted]');
  });

  it('never writes the Socket Mode client’s debug lines (whole envelopes), even at LOG_LEVEL=debug', () => {
    const { logger, parsed } = capture('debug');
    const socket = boltLogger(logger, 'bolt-receiver', { withDebug: false });
    socket.debug('Received a message on the WebSocket: {"envelope_id":"1","payload":{"text":"shift prod 100"}}');
    socket.info('Now connected to Slack');
    expect(parsed().map((l) => l.msg)).toEqual(['Now connected to Slack']);
  });

  it('writes a component’s error lines as warnings when its caller logs the verdict', () => {
    const { logger, parsed } = capture('info');
    boltLogger(logger, 'socket-mode', { errorsAsWarnings: true }).error('WebSocket error occurred');
    expect(parsed().map((l) => [l.level, l.msg])).toEqual([['warn', 'WebSocket error occurred']]);
  });

  it('reports the level it logs at and never lowers it', () => {
    const { logger } = capture('warn');
    const bolt = boltLogger(logger);
    expect(bolt.getLevel()).toBe(LogLevel.WARN);
    bolt.setLevel(LogLevel.DEBUG);
    expect(bolt.getLevel()).toBe(LogLevel.WARN);
    bolt.setLevel(LogLevel.ERROR);
    expect(bolt.getLevel()).toBe(LogLevel.ERROR);
  });
});
