// Requests of a paginated AWS call as they were sent. The SDK's paginators send one input object and change its
// token between pages, so aws-sdk-client-mock's recorded calls all show the last token: each is copied here at
// the moment it is sent, and answered by `answer` (by its token, typically).
import type { AwsCommand, AwsStub } from 'aws-sdk-client-mock';

/** What every SDK output carries (the SDK's MetadataBearer). */
type Output = { $metadata: object };

export function sentInputs<I extends object, O extends Output, CI extends object, CO extends Output, C>(
  mock: AwsStub<CI, CO, C>,
  command: new (input: I) => AwsCommand<I, O>,
  match: Partial<I>,
  answer: (input: I) => Partial<O>,
): I[] {
  const sent: I[] = [];
  mock.on(command as never, match as never).callsFake((input: I) => {
    sent.push({ ...input });
    return answer(input);
  });
  return sent;
}
