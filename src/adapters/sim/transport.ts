// A fake SDK transport (the smithy HttpHandler contract) in front of the simulated stack. It decodes the
// real wire protocols (ELBv2: AWS Query, ECS: AWS JSON 1.1, CloudWatch: AWS JSON 1.0 in query-compatible
// mode), applies the faults the stack was told to answer with, and answers in AWS's documented shapes, errors
// included, so the production adapters, the SDK's serializers and its retry logic all run unchanged in
// rehearsal and in tests. Each service's operations are a module of their own: elbv2-api.ts, ecs-api.ts,
// cloudwatch-api.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { cloudwatch } from './cloudwatch-api';
import { ecs } from './ecs-api';
import { elbv2 } from './elbv2-api';
import { SimAwsError, type SimStack } from './stack';
import { decodeQuery, queryError, queryResponse, type QueryObject } from './wire';

/** What the SDK hands a request handler (structurally @smithy/protocol-http's HttpRequest). */
export interface SimHttpRequest {
  method: string;
  hostname?: string;
  path?: string;
  headers: Record<string, string>;
  body?: unknown;
}

interface SimHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

const ELB_XMLNS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
/** The JSON protocols, by the X-Amz-Target prefix of their operations, and their content type's version. */
const JSON_PROTOCOLS = {
  ecs: { target: 'AmazonEC2ContainerServiceV20141113.', version: '1.1' },
  cloudwatch: { target: 'GraniteServiceVersion20100801.', version: '1.0' },
} as const;

type Protocol = 'query' | keyof typeof JSON_PROTOCOLS;

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  // Decoded from the bytes themselves: the SDK's JSON body is a Uint8Array subclass that warns on string use.
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  throw new Error('the simulated AWS transport only takes string or byte request bodies');
}

export class SimTransport {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private requestCounter = 0;

  constructor(private readonly stack: SimStack) {}

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}

  async handle(request: SimHttpRequest, options?: { abortSignal?: unknown }): Promise<{ response: SimHttpResponse }> {
    const target = request.headers['x-amz-target'] ?? ''; // lower case from the SDK and from Node alike
    const text = bodyText(request.body);
    const json = (['ecs', 'cloudwatch'] as const).find((p) => target.startsWith(JSON_PROTOCOLS[p].target));
    const protocol: Protocol = json ?? 'query';
    const input: Record<string, unknown> = json ? (text ? JSON.parse(text) : {}) : decodeQuery(text);
    const operation = json ? target.slice(JSON_PROTOCOLS[json].target.length) : typeof input.Action === 'string' ? input.Action : 'Unknown';
    const requestId = `${(++this.requestCounter).toString(16).padStart(8, '0')}-sim0-4000-8000-${Date.now().toString(16).padStart(12, '0')}`;

    const signal = options?.abortSignal as AbortSignal | undefined;
    const latency = this.stack.latencyFor(operation);
    if (latency > 0) await sleep(latency, undefined, { signal });

    this.stack.sync();
    const fault = this.stack.takeFault(operation);
    const timedOut = () => Object.assign(new Error(`Connection timed out after 3000 ms (simulated ${operation})`), { name: 'TimeoutError' });
    if (fault === 'timeout') throw timedOut();
    if (fault === 'hang') return never(signal);
    try {
      if (fault === 'throttle') throw new SimAwsError(protocol === 'ecs' ? 'ThrottlingException' : 'Throttling', 'Rate exceeded', 400);
      if (fault === 'serverError') {
        throw protocol === 'ecs'
          ? new SimAwsError('ServerException', 'An internal error occurred (simulated)', 500)
          : new SimAwsError('ServiceUnavailable', 'Service Unavailable (simulated)', 503);
      }
      if (fault === 'accessDenied') throw this.accessDenied(protocol, operation);
      if (protocol === 'cloudwatch' && this.stack.cloudWatchDown) {
        throw new SimAwsError('ServiceUnavailable', 'Service Unavailable (simulated CloudWatch outage)', 503);
      }
      const result =
        protocol === 'query'
          ? elbv2(this.stack, operation, input as QueryObject)
          : protocol === 'ecs'
            ? ecs(this.stack, operation, input)
            : cloudwatch(this.stack, operation, input);
      // AWS carried the call out; its answer is lost on the way back.
      if (fault === 'answerLost') throw timedOut();
      if (fault === 'answerNever') return await never(signal);
      return {
        response: protocol === 'query'
          ? answer(200, 'text/xml', queryResponse(operation, ELB_XMLNS, result, requestId), requestId)
          : answer(200, jsonType(protocol), JSON.stringify(result), requestId),
      };
    } catch (error) {
      if (!(error instanceof SimAwsError)) throw error;
      return { response: this.error(protocol, error, requestId) };
    }
  }

  private accessDenied(protocol: Protocol, operation: string): SimAwsError {
    const service = protocol === 'query' ? 'elasticloadbalancing' : protocol;
    const message =
      `User: arn:aws:sts::${this.stack.account}:assumed-role/switchover-bot/session is not authorized to perform: ` +
      `${service}:${operation} because no identity-based policy allows the ${service}:${operation} action`;
    return new SimAwsError(protocol === 'ecs' ? 'AccessDeniedException' : 'AccessDenied', message, protocol === 'ecs' ? 400 : 403);
  }

  private error(protocol: Protocol, error: SimAwsError, requestId: string): SimHttpResponse {
    const type = error.status >= 500 ? 'Receiver' : 'Sender';
    if (protocol === 'query') {
      return answer(error.status, 'text/xml', queryError(ELB_XMLNS, type, error.code, error.message, requestId), requestId);
    }
    const body = JSON.stringify({ __type: error.code, message: error.message });
    // CloudWatch speaks JSON but keeps its Query error codes, in this header.
    const queryCode = protocol === 'cloudwatch' ? { 'x-amzn-query-error': `${error.code};${type}` } : {};
    return answer(error.status, jsonType(protocol), body, requestId, queryCode);
  }
}

function jsonType(protocol: keyof typeof JSON_PROTOCOLS): string {
  return `application/x-amz-json-${JSON_PROTOCOLS[protocol].version}`;
}

function answer(statusCode: number, contentType: string, body: string, requestId: string, headers = {}): SimHttpResponse {
  return { statusCode, headers: { 'content-type': contentType, 'x-amzn-requestid': requestId, ...headers }, body: Buffer.from(body) };
}

/** An answer that never comes; only the caller's abort ends the wait. */
function never(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })), { once: true });
  });
}
