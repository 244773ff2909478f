// AWS failures in plain words. Every SDK call of the adapters goes through `awsCall`, so an operator reads
// "missing IAM permission elasticloadbalancing:ModifyListener on <arn>" instead of a stack trace.
// Throttling, 5xx and timeouts were already retried by the SDK (standard mode) by the time they land here;
// they are told apart by the SDK's own classification, the one its retry strategy uses.
import { isThrottlingError, isTransientError } from '@smithy/core/retry';

export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
  constructor(
    /** AWS error code, e.g. `AccessDenied`, `Throttling`, `TimeoutError`. */
    readonly code: string,
    message: string,
    /** AWS's own words, short (e.g. "Rate exceeded"), for compact mentions such as a snapshot's `missing`. */
    readonly detail = '',
  ) {
    super(message);
  }
}

/** A stage, or one of its resources, that does not exist under the name tried (the message names both). */
export class StageNotFoundError extends Error {
  override readonly name = 'StageNotFoundError';
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedException']);
const CREDENTIALS = new Set(['CredentialsProviderError', 'ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'InvalidSignatureException']);

interface SdkErrorLike extends Error {
  cause?: Error;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

/** Converts whatever the SDK threw into an AwsCallError whose message says what to do. */
export function toAwsCallError(error: unknown, operation: string, resource: string): AwsCallError {
  if (error instanceof AwsCallError) return error;
  const err = (typeof error === 'object' && error !== null ? error : new Error(String(error))) as SdkErrorLike;
  const code = err.name && err.name !== 'Error' ? err.name : (err.Code ?? err.code ?? 'Error');
  const detail = (err.message ?? '').trim() || 'no message';
  const status = err.$metadata?.httpStatusCode;
  const attempts = (err.$metadata?.attempts ?? 1) > 1 ? ` after ${err.$metadata!.attempts} attempts` : '';
  const failed = (message: string, short = detail) => new AwsCallError(code, message, short);

  if (ACCESS_DENIED.has(code)) {
    return failed(
      `missing IAM permission ${operation} on ${resource}: add it to the bot's role (see docs/iam-policy.json).`,
      `missing IAM permission ${operation}`,
    );
  }
  if (CREDENTIALS.has(code)) {
    return failed(`${operation} failed: the bot has no valid AWS credentials (${code}). Check the role or credentials it runs with.`);
  }
  if (isThrottlingError(err)) {
    return failed(`${operation} was throttled by AWS${attempts} (${code}: ${detail}). Try again in a minute.`);
  }
  if (status !== undefined && status >= 500) {
    return failed(`${operation} failed with an AWS server error${attempts} (${status} ${code}: ${detail}). Try again shortly.`);
  }
  if (isTransientError(err)) {
    return failed(`${operation} did not get an answer from AWS${attempts} (${code}: ${detail}). Try again shortly.`);
  }
  return failed(`${operation} on ${resource} failed: ${code}: ${detail}`);
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
