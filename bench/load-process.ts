// The load generator of the process-level figures, in its own process so that neither the fake Slack nor the
// app shares its event loop: replays pre-signed slash commands N at a time over keep-alive connections and
// times each until its HTTP answer (Slack's acknowledgement) has been read.
//
// It speaks HTTP/1.1 over raw sockets with each request serialized in advance, as wrk or autocannon do:
// Node's HTTP client costs about as much CPU per request as the bot's acknowledgement, and on two cores a
// closed loop of 50 would then time the load generator's own queue as much as the bot.
import { connect, type Socket } from 'node:net';

export interface LoadRun {
  type: 'run';
  port: number;
  requests: { rawBody: string; headers: Record<string, string> }[];
  concurrency: number;
  /** Close the connections kept from earlier runs first, so every worker opens its own. */
  fresh?: boolean;
}

export interface LoadDone {
  type: 'done';
  ms: number[];
  statuses: number[];
}

/** Connections kept open between runs, as a keep-alive pool keeps them; one the app closes leaves the pool. */
const idle = new Set<Socket>();

function release(socket: Socket): void {
  if (socket.destroyed) return;
  idle.add(socket);
  socket.once('close', () => idle.delete(socket));
}

function takeIdle(): Socket | undefined {
  for (const socket of idle) {
    idle.delete(socket);
    socket.removeAllListeners('close');
    if (!socket.destroyed) return socket;
  }
  return undefined;
}

function serialize(port: number, rawBody: string, headers: Record<string, string>): Buffer {
  const lines = [`POST /slack/events HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: keep-alive'];
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'content-length') lines.push(`${name}: ${value}`);
  }
  lines.push(`Content-Length: ${Buffer.byteLength(rawBody)}`, '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), Buffer.from(rawBody, 'utf8')]);
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** The status of one complete answer (Content-Length or chunked), and whatever bytes follow it. */
function parseAnswer(buffer: Buffer): { status: number; rest: Buffer } | undefined {
  const headEnd = buffer.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const head = buffer.subarray(0, headEnd).toString('latin1');
  const status = Number(head.slice(9, 12));
  const bodyStart = headEnd + 4;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const end = bodyStart + Number(length[1]);
    return buffer.length >= end ? { status, rest: buffer.subarray(end) } : undefined;
  }
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
    let at = bodyStart;
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', at);
      if (lineEnd < 0) return undefined;
      const size = parseInt(buffer.subarray(at, lineEnd).toString('latin1'), 16);
      at = lineEnd + 2 + size + 2;
      if (buffer.length < at) return undefined;
      if (size === 0) return { status, rest: buffer.subarray(at) };
    }
  }
  return { status, rest: buffer.subarray(bodyStart) };
}

/** Sends one serialized request and resolves when its whole answer has been read. */
function exchange(socket: Socket, request: Buffer): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    let buffer: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
      const answer = parseAnswer(buffer);
      if (!answer) return;
      const ms = performance.now() - t0;
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      resolve({ ms, status: answer.status });
    };
    const onError = (error: Error) => reject(error);
    const onClose = () => reject(new Error('the app closed the connection before answering'));
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    const t0 = performance.now();
    socket.write(request);
  });
}

async function run(job: LoadRun): Promise<LoadDone> {
  if (job.fresh) {
    for (const socket of idle) socket.destroy();
    idle.clear();
  }
  const requests = job.requests.map((r) => serialize(job.port, r.rawBody, r.headers));
  const ms: number[] = new Array(requests.length);
  const statuses: number[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    let socket: Socket | undefined;
    try {
      while (next < requests.length) {
        const i = next++;
        // Timed from the moment the request is handed over, connecting included, as a client that needs a
        // new connection experiences it.
        const t0 = performance.now();
        socket ??= takeIdle() ?? (await openSocket(job.port));
        const connectMs = performance.now() - t0;
        const answer = await exchange(socket, requests[i]!);
        ms[i] = connectMs + answer.ms;
        statuses[i] = answer.status;
      }
    } finally {
      if (socket) release(socket);
    }
  };
  await Promise.all(Array.from({ length: Math.min(job.concurrency, requests.length) }, worker));
  return { type: 'done', ms, statuses };
}

process.on('message', (job: LoadRun) => {
  if (job.type !== 'run') return;
  run(job).then(
    (done) => process.send?.(done),
    (error: unknown) => process.send?.({ type: 'error', message: String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
