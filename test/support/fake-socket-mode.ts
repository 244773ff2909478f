// A fake Slack Socket Mode server on 127.0.0.1, following Slack's documented protocol: FakeSlack answers
// apps.connections.open with a one-time ws:// URL to this server; on connecting, the server sends `hello`; it
// delivers envelopes ({envelope_id, type, payload, accepts_response_payload}) and records the app's
// acknowledgements ({envelope_id, payload?}); it can ask the app to reconnect (`disconnect` with a reason) or
// drop the link without a word. Like Slack, it answers the app's close frame but leaves the TCP connection
// open (@slack/socket-mode's changelog, #2752): an app that waits for the connection to end waits for its own
// pong watchdog.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeSlack } from './fake-slack';
import { APP_ID } from './slack-harness';
import { waitForChange } from './wait-for';

export interface Link {
  ticket: string;
  socket: WebSocket;
  /** Date.now() when the server said hello, and when the link ended (either side). */
  helloAt: number;
  closedAt?: number;
}

export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

/** The envelopes the bot receives (it subscribes to no Events API events). */
export type EnvelopeType = 'slash_commands' | 'interactive';

export class FakeSocketMode extends EventEmitter {
  readonly links: Link[] = [];
  readonly acks: Ack[] = [];
  /** Frames from the app that are not an acknowledgement of a delivered envelope (Slack would ignore them). */
  readonly strayFrames: string[] = [];
  /** When set, a new link gets no hello (a Slack that accepts the WebSocket and then says nothing). */
  silent = false;
  /** The links that got no hello. */
  readonly unanswered: WebSocket[] = [];
  /** When set, a new link gets its hello and, a moment later, a `disconnect` with this reason (too_many_websockets). */
  disconnectAfterHello: string | undefined;

  private readonly tickets = new Set<string>();
  private readonly delivered = new Set<string>();

  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
  ) {
    super();
  }

  /** Starts the server and makes `slack`'s apps.connections.open hand out its URLs. */
  static async start(slack: FakeSlack): Promise<FakeSocketMode> {
    // Slack's link URLs are single-use tickets: a reused or unknown ticket is refused at the upgrade.
    let fake: FakeSocketMode | undefined;
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: ({ req }: { req: { url?: string } }) => fake!.redeem(new URL(req.url ?? '/', 'ws://x').searchParams.get('ticket')),
    });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeSocketMode(server, `ws://127.0.0.1:${port}`);
    server.on('connection', (socket, req) => fake!.accept(socket, new URL(req.url ?? '/', 'ws://x').searchParams.get('ticket')!));
    slack.socketModeUrl = () => fake!.issue();
    return fake;
  }

  /** The link the app is on now (the newest open one). */
  get current(): Link | undefined {
    return [...this.links].reverse().find((l) => l.closedAt === undefined);
  }

  /** Resolves when `count` links in all have had their hello. */
  waitForLinks(count: number, timeoutMs = 10_000): Promise<Link> {
    return waitForChange(this, () => (this.links.length >= count ? this.links[count - 1] : undefined), `link ${count}`, timeoutMs);
  }

  /** Sends an envelope on the current link; resolves with the app's acknowledgement. */
  async deliver(type: EnvelopeType, payload: Record<string, unknown>, acceptsResponsePayload: boolean): Promise<Ack> {
    const link = this.current;
    if (!link) throw new Error('no open link to deliver on');
    const envelopeId = randomUUID();
    this.delivered.add(envelopeId);
    link.socket.send(JSON.stringify({ envelope_id: envelopeId, payload, type, accepts_response_payload: acceptsResponsePayload }));
    return waitForChange(this, () => this.acks.find((a) => a.envelope_id === envelopeId), `the ack of a ${type} envelope`, 5_000);
  }

  /** Slack's routine refresh: a `disconnect` message on the current link; Slack then waits for the app to go. */
  askToReconnect(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): Link {
    const link = this.current;
    if (!link) throw new Error('no open link');
    link.socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake-1' } }));
    return link;
  }

  /** The link ends without a close frame (a network fault, Slack's host gone). */
  drop(): Link {
    const link = this.current;
    if (!link) throw new Error('no open link');
    link.socket.terminate();
    return link;
  }

  async stop(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private issue(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${this.url}/link/?ticket=${ticket}&app_id=${APP_ID}`;
  }

  private redeem(ticket: string | null): boolean {
    return ticket !== null && this.tickets.delete(ticket);
  }

  private accept(socket: WebSocket, ticket: string): void {
    // ws ends the TCP connection once the close frames have crossed; Slack does not, so neither does the fake:
    // the link ends when the app closes the connection (or at stop()).
    const tcp = (socket as unknown as { _socket: Socket })._socket;
    tcp.end = (() => tcp) as Socket['end'];
    tcp.once('end', () => tcp.destroy());
    const link: Link = { ticket, socket, helloAt: 0 };
    socket.on('close', () => {
      link.closedAt ??= Date.now();
      this.emit('change');
    });
    socket.on('message', (data) => {
      const text = data.toString();
      const frame = JSON.parse(text) as Partial<Ack>;
      if (typeof frame.envelope_id === 'string' && this.delivered.delete(frame.envelope_id)) this.acks.push(frame as Ack);
      else this.strayFrames.push(text);
      this.emit('change');
    });
    if (this.silent) {
      this.unanswered.push(socket);
      return;
    }
    link.helloAt = Date.now();
    this.links.push(link);
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.links.filter((l) => l.closedAt === undefined).length,
        debug_info: { host: 'applink-fake-1', build_number: 1, approximate_connection_time: 18_060 },
        connection_info: { app_id: APP_ID },
      }),
    );
    const reason = this.disconnectAfterHello;
    if (reason) setTimeout(() => socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake-1' } })), 10);
    this.emit('change');
  }
}
