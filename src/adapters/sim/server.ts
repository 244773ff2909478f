// The simulated stack as an AWS endpoint on 127.0.0.1: the same wire protocols as SimTransport, over HTTP.
// A bot in production mode reaches it with AWS_ENDPOINT_URL (the SDK's own setting), so its AWS share runs
// in another process as real AWS would: the benchmark measures the bot's CPU and memory, not AWS's.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import type { SimStack } from './stack';
import { SimTransport } from './transport';

export interface SimulatedAwsServer {
  /** For AWS_ENDPOINT_URL, e.g. http://127.0.0.1:40123 */
  url: string;
  close(): Promise<void>;
}

/** Serves the stack on 127.0.0.1 (port 0: a free one). Faults such as `timeout` close the connection unanswered. */
export async function serveSimulatedAws(stack: SimStack, port = 0): Promise<SimulatedAwsServer> {
  const transport = new SimTransport(stack);
  const server: Server = createServer((request, response) => {
    // Node joins repeated headers into one string; only set-cookie stays a list, and AWS requests send none.
    const headers = request.headers as Record<string, string>;
    buffer(request)
      .then((body) => transport.handle({ method: request.method ?? 'POST', path: request.url, headers, body }))
      .then(({ response: answer }) => {
        response.writeHead(answer.statusCode, { ...answer.headers, 'content-length': answer.body.byteLength });
        response.end(answer.body);
      })
      .catch(() => response.destroy());
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
