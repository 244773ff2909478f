// AWS failures in plain words. Every SDK call of the adapters goes through `awsCall`, so an operator reads
// "missing IAM permission elasticloadbalancing:ModifyListener on <arn>" instead of a stack trace.
// Throttling, 5xx and timeouts were already retried by the SDK (standard mode) by the time they land here.

/** IAM service prefix of each SDK client. */
export type AwsService = 'elasticloadbalancing' | 'ecs' | 'cloudwatch';

export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
  constructor(
    /** IAM-style action, e.g. `elasticloadbalancing:ModifyListener`. */
    readonly operation: string,
    /** AWS error code, e.g. `AccessDenied`, `Throttling`, `TimeoutError`. */
    readonly code: string,
    message: string,
    /** True when trying again later may succeed (throttling, server errors, timeouts). */
    readonly retryable: boolean,
    /** AWS's own words, short (e.g. "Rate exceeded"), for compact mentions such as a snapshot's `missing`. */
    readonly detail = '',
  ) {
    super(message);
  }
}

/** A stage, or one of its resources, that does not exist under the name tried. */
export class StageNotFoundError extends Error {
  override readonly name = 'StageNotFoundError';
  constructor(
    readonly stage: string,
    /** What was not found, e.g. "load balancer", "target proxy target group". */
    readonly missing: string,
    /** The name(s) tried. */
    readonly tried: string,
    message: string,
  ) {
    super(message);
  }
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedException']);
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
  'LimitExceededException',
]);
const TIMEOUT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const CREDENTIALS = new Set(['CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'InvalidSignatureException']);

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

function attemptsText(err: SdkErrorLike): string {
  const attempts = err.$metadata?.attempts;
  return attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
}

/** Converts whatever the SDK threw into an AwsCallError whose message says what to do. */
export function toAwsCallError(error: unknown, operation: string, resource: string): AwsCallError {
  if (error instanceof AwsCallError) return error;
  const err = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as SdkErrorLike;
  const code = err.name && err.name !== 'Error' ? err.name : (err.Code ?? err.code ?? 'Error');
  const detail = (err.message ?? '').trim() || 'no message';
  const status = err.$metadata?.httpStatusCode;

  if (ACCESS_DENIED.has(code)) {
    return new AwsCallError(
      operation,
      code,
      `missing IAM permission ${operation} on ${resource}: add it to the bot's role (see docs/iam-policy.json).`,
      false,
      `missing IAM permission ${operation}`,
    );
  }
  if (CREDENTIALS.has(code)) {
    return new AwsCallError(
      operation,
      code,
      `${operation} failed: the bot has no valid AWS credentials (${code}). Check the role or credentials it runs with.`,
      false,
      detail,
    );
  }
  if (THROTTLING.has(code) || status === 429) {
    return new AwsCallError(
      operation,
      code,
      `${operation} was throttled by AWS${attemptsText(err)} (${code}: ${detail}). Try again in a minute.`,
      true,
      detail,
    );
  }
  if (TIMEOUT.has(code) || (err.code !== undefined && NETWORK_CODES.has(err.code))) {
    return new AwsCallError(
      operation,
      code,
      `${operation} did not get an answer from AWS${attemptsText(err)} (${code}: ${detail}). Try again shortly.`,
      true,
      detail,
    );
  }
  if (status !== undefined && status >= 500) {
    return new AwsCallError(
      operation,
      code,
      `${operation} failed with an AWS server error${attemptsText(err)} (${status} ${code}: ${detail}). Try again shortly.`,
      true,
      detail,
    );
  }
  return new AwsCallError(operation, code, `${operation} on ${resource} failed: ${code}: ${detail}`, false, detail);
}

/** Runs one SDK call and maps its failure. `resource` names what the call acts on, for the IAM message. */
export async function awsCall<T>(operation: string, resource: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof StageNotFoundError) throw error;
    throw toAwsCallError(error, operation, resource);
  }
}
