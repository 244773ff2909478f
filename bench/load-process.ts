// The load generator of the process-level figures, in its own process so that neither the fake Slack nor the
// app shares its event loop: replays pre-signed slash commands N at a time over keep-alive connections and
// times each until its HTTP answer (Slack's acknowledgement) has been read.
import { Agent, request } from 'node:http';

export interface LoadRun {
  type: 'run';
  port: number;
  requests: { rawBody: string; headers: Record<string, string> }[];
  concurrency: number;
}

export interface LoadDone {
  type: 'done';
  ms: number[];
  statuses: number[];
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function send(port: number, rawBody: string, headers: Record<string, string>): Promise<{ ms: number; status: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(
      { host: '127.0.0.1', port, path: '/slack/events', method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(rawBody) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ ms: performance.now() - t0, status: res.statusCode ?? 0 }));
      },
    );
    req.on('error', reject);
    req.end(rawBody);
  });
}

async function run(job: LoadRun): Promise<LoadDone> {
  const ms: number[] = new Array(job.requests.length);
  const statuses: number[] = new Array(job.requests.length);
  let next = 0;
  const worker = async () => {
    while (next < job.requests.length) {
      const i = next++;
      const r = job.requests[i]!;
      const answer = await send(job.port, r.rawBody, r.headers);
      ms[i] = answer.ms;
      statuses[i] = answer.status;
    }
  };
  await Promise.all(Array.from({ length: Math.min(job.concurrency, job.requests.length) }, worker));
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
