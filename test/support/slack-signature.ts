// Slack's request signing: `v0=` + HMAC-SHA256(signing secret, `v0:<timestamp>:<raw body>`).
import { createHmac } from 'node:crypto';

export function slackSignature(secret: string, timestampSec: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${rawBody}`).digest('hex')}`;
}

export function signedHeaders(secret: string, rawBody: string, timestampSec = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    'x-slack-request-timestamp': String(timestampSec),
    'x-slack-signature': slackSignature(secret, timestampSec, rawBody),
  };
}
