// The simulated Migration Assistant stack wired to the real AWS adapters through the fake transport:
// what SWITCHOVER_SIMULATE=true runs, and what end-to-end tests and benchmarks build on.
import type { Clock } from '../../core/ports';
import { createAwsClients, createAwsPorts, type AwsClients, type AwsPorts } from '../aws/clients';
import type { StagesOverrides } from '../aws/stages-file';
import { SimStack, type SimStackOptions } from './stack';
import { SimTransport } from './transport';

export { SimStack, SimAwsError, DEFAULT_STAGES, DEFAULT_TIMINGS, STEP_MS } from './stack';
export type { OperationFaults, SimStageConfig, SimTimings } from './stack';
export { SimTransport } from './transport';
export { serveSimulatedAws, type SimulatedAwsServer } from './server';

export interface SimulatedAwsOptions extends Omit<SimStackOptions, 'clock'> {
  clock: Clock;
  /** Attempts per call (SDK standard retry). Default 3. */
  maxAttempts?: number;
  /** Fixed delay between retries, real ms. Default 0 on the simulated stack, so fault tests stay fast. */
  retryDelayMs?: number;
  stagesOverrides?: StagesOverrides;
}

export interface SimulatedAws {
  stack: SimStack;
  requestHandler: SimTransport;
  clients: AwsClients;
  ports: AwsPorts;
}

export function createSimulatedAws(options: SimulatedAwsOptions): SimulatedAws {
  const { clock, maxAttempts = 3, retryDelayMs = 0, stagesOverrides = {}, ...stackOptions } = options;
  const stack = new SimStack({ clock, ...stackOptions });
  const requestHandler = new SimTransport(stack);
  const clients = createAwsClients({
    region: stack.region,
    maxAttempts,
    retryDelayMs,
    requestHandler,
    // The transport never checks signatures; static keys keep the SDK from looking for real credentials.
    credentials: { accessKeyId: 'AKIASIMULATEDSTACK00', secretAccessKey: 'simulated-stack-secret-not-a-real-key' },
  });
  return { stack, requestHandler, clients, ports: createAwsPorts(clients, clock, stagesOverrides) };
}
