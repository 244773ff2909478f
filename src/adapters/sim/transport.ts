// A fake SDK transport (the smithy HttpHandler contract) in front of the simulated stack. It decodes the
// real wire protocols (ELBv2: AWS Query, ECS: AWS JSON 1.1, CloudWatch: AWS JSON 1.0 in query-compatible
// mode), applies the faults the stack was told to answer with, and answers in AWS's documented shapes, errors
// included, so the production adapters, the SDK's serializers and its retry logic all run unchanged in
// rehearsal and in tests. Each service's operations are a module of their own: elbv2-api.ts, ecs-api.ts,
// cloudwatch-api.ts.
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

export interface SimHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

const ELB_XMLNS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
const ECS_TARGET = 'AmazonEC2ContainerServiceV20141113.';
const CLOUDWATCH_TARGET = 'GraniteServiceVersion20100801.';

type Protocol = 'query' | 'ecs' | 'cloudwatch';

function bodyText(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  // Decoded from the bytes themselves: the SDK's JSON body is a Uint8Array subclass that warns on string use.
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  throw new Error('the simulated AWS transport only takes string or byte request bodies');
}

function header(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('aborted'));
    }, { once: true });
  });
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
    const target = header(request.headers, 'x-amz-target');
    const text = bodyText(request.body);
    let protocol: Protocol;
    let operation: string;
    let input: unknown;
    if (target?.startsWith(ECS_TARGET)) {
      protocol = 'ecs';
      operation = target.slice(ECS_TARGET.length);
      input = text ? JSON.parse(text) : {};
    } else if (target?.startsWith(CLOUDWATCH_TARGET)) {
      protocol = 'cloudwatch';
      operation = target.slice(CLOUDWATCH_TARGET.length);
      input = text ? JSON.parse(text) : {};
    } else {
      protocol = 'query';
      const query = decodeQuery(text);
      operation = typeof query.Action === 'string' ? query.Action : 'Unknown';
      input = query;
    }
    const requestId = `${(++this.requestCounter).toString(16).padStart(8, '0')}-sim0-4000-8000-${Date.now().toString(16).padStart(12, '0')}`;

    const latency = this.stack.latencyFor(operation);
    if (latency > 0) await sleep(latency, options?.abortSignal as AbortSignal | undefined);

    this.stack.sync();
    const fault = this.stack.takeFault(operation, input);
    const timedOut = () => Object.assign(new Error(`Connection timed out after 3000 ms (simulated ${operation})`), { name: 'TimeoutError' });
    if (fault === 'timeout') throw timedOut();
    if (fault === 'hang') return never(options?.abortSignal as AbortSignal | undefined);
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
            ? ecs(this.stack, operation, input as Record<string, unknown>)
            : cloudwatch(this.stack, operation, input as Record<string, unknown>);
      // AWS carried the call out; its answer is lost on the way back.
      if (fault === 'answerLost') throw timedOut();
      if (fault === 'answerNever') return await never(options?.abortSignal as AbortSignal | undefined);
      return { response: this.ok(protocol, operation, result, requestId) };
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

  private ok(protocol: Protocol, operation: string, result: unknown, requestId: string): SimHttpResponse {
    if (protocol === 'query') {
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: Buffer.from(queryResponse(operation, ELB_XMLNS, result, requestId)),
      };
    }
    return {
      statusCode: 200,
      headers: { 'content-type': `application/x-amz-json-${protocol === 'ecs' ? '1.1' : '1.0'}`, 'x-amzn-requestid': requestId },
      body: Buffer.from(JSON.stringify(result)),
    };
  }

  private error(protocol: Protocol, error: SimAwsError, requestId: string): SimHttpResponse {
    const type = error.status >= 500 ? 'Receiver' : 'Sender';
    if (protocol === 'query') {
      return {
        statusCode: error.status,
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
        body: Buffer.from(queryError(ELB_XMLNS, type, error.code, error.message, requestId)),
      };
    }
    const headers: Record<string, string> = {
      'content-type': `application/x-amz-json-${protocol === 'ecs' ? '1.1' : '1.0'}`,
      'x-amzn-requestid': requestId,
    };
    // CloudWatch speaks JSON but keeps its Query error codes, in this header.
    if (protocol === 'cloudwatch') headers['x-amzn-query-error'] = `${error.code};${type}`;
    return {
      statusCode: error.status,
      headers,
      body: Buffer.from(JSON.stringify({ __type: error.code, message: error.message })),
    };
  }
}

function never(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal?.addEventListener('abort', () => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })), { once: true });
  });
}
