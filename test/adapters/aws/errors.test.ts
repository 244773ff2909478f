import { toAwsCallError } from '../../../src/adapters/aws/errors';

const sdkError = (name: string, message: string, status?: number, attempts?: number) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, attempts } });

describe('toAwsCallError', () => {
  it.each(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation'])('maps %s to the missing IAM action', (code) => {
    const e = toAwsCallError(sdkError(code, 'User ... is not authorized', 403), 'ecs:UpdateService', 'service a in cluster b');
    expect(e).toMatchObject({ code });
    expect(e.message).toBe("missing IAM permission ecs:UpdateService on service a in cluster b: add it to the bot's role (see docs/iam-policy.json).");
  });

  it('says throttling lasted through the retries', () => {
    const e = toAwsCallError(sdkError('ThrottlingException', 'Rate exceeded', 400, 5), 'ecs:DescribeServices', 'x');
    expect(e).toMatchObject({ detail: 'Rate exceeded' });
    expect(e.message).toBe('ecs:DescribeServices was throttled by AWS after 5 attempts (ThrottlingException: Rate exceeded). Try again in a minute.');
  });

  it('says a server error and a timeout plainly', () => {
    expect(toAwsCallError(sdkError('ServiceUnavailable', 'down', 503, 3), 'elasticloadbalancing:DescribeListeners', 'x').message).toBe(
      'elasticloadbalancing:DescribeListeners failed with an AWS server error after 3 attempts (503 ServiceUnavailable: down). Try again shortly.',
    );
    expect(toAwsCallError(sdkError('TimeoutError', 'socket timed out'), 'cloudwatch:GetMetricData', '*')).toMatchObject({
      code: 'TimeoutError',
      message: 'cloudwatch:GetMetricData did not get an answer from AWS (TimeoutError: socket timed out). Try again shortly.',
    });
  });

  it('tells a connection lost without an answer from throttling, as the SDK classifies them', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: { attempts: 5 } });
    expect(toAwsCallError(reset, 'elasticloadbalancing:ModifyListener', 'arn:l').message).toBe(
      'elasticloadbalancing:ModifyListener did not get an answer from AWS after 5 attempts (ECONNRESET: socket hang up). Try again shortly.',
    );
    expect(toAwsCallError(sdkError('SlowDown', 'Too many requests', 429), 'cloudwatch:GetMetricData', '*').message).toBe(
      'cloudwatch:GetMetricData was throttled by AWS (SlowDown: Too many requests). Try again in a minute.',
    );
  });

  it('points at credentials when they are missing or expired', () => {
    expect(toAwsCallError(sdkError('ExpiredTokenException', 'expired', 400), 'ecs:DescribeServices', 'x').message).toContain('no valid AWS credentials');
  });

  it('keeps any other AWS error with its code', () => {
    expect(toAwsCallError(sdkError('ValidationError', 'bad weight', 400), 'elasticloadbalancing:ModifyListener', 'arn:l').message).toBe(
      'elasticloadbalancing:ModifyListener on arn:l failed: ValidationError: bad weight',
    );
  });
});
