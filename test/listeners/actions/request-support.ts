// Shared by the request/approval end-to-end tests: a harness on a ManualClock over the simulated stack with two
// users and an approver group, and helpers that drive a request through Slack as people would.
import { ManualClock } from '../../../src/adapters/clock';
import type { SimStack } from '../../../src/adapters/sim';
import { APPROVE_ACTION, APPROVE_CONFIRM_CALLBACK, REJECT_ACTION } from '../../../src/blocks/request';
import type { SwitchoverRequest } from '../../../src/core/requests/request';
import type { Weights } from '../../../src/core/types';
import type { FakeMessage, RecordedCall } from '../../support/fake-slack';
import { CHANNEL, startHarness, type Env, type Harness, type HarnessOptions } from '../../support/slack-harness';

/** The requester (an operator). */
export const ALICE = 'U0ALICE';
/** An approver, through the approver group. */
export const BOB = 'U0BOB';
/** Another approver in the group. */
export const CAROL = 'U0CAROL';
/** Neither operator nor approver. */
export const MALLORY = 'U0MALLORY';
export const APPROVERS_GROUP = 'S0APPROVERS';
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

export interface RequestHarness extends Harness {
  clock: ManualClock;
  stack: SimStack;
}

export async function startRequestHarness(
  env: Env = {},
  options: HarnessOptions & { clock?: ManualClock } = {},
): Promise<RequestHarness> {
  const clock = options.clock ?? new ManualClock(T0);
  const h = await startHarness(
    { SWITCHOVER_OPERATORS: ALICE, SWITCHOVER_APPROVERS: APPROVERS_GROUP, ...env },
    { clock },
    options,
  );
  h.fake.groups[APPROVERS_GROUP] = [BOB, CAROL];
  return Object.assign(h, { clock, stack: h.deps.simulation!.stack });
}

/** Everything a message shows, text and blocks. */
export function shown(message: { text?: string; blocks?: unknown[] } | undefined): string {
  return `${message?.text ?? ''}\n${JSON.stringify(message?.blocks ?? [])}`;
}

/** Runs a slash command and resolves with its ephemeral answer's text. */
export async function command(h: Harness, text: string, user = ALICE): Promise<string> {
  const sent = await h.slash(text, { user });
  if (sent.body !== '') return String((sent.body as { text?: string }).text);
  const { body } = await h.responseTo(sent);
  expect(body.response_type).toBe('ephemeral');
  return String(body.text);
}

/** `/switchover shift|fallback ...` by `user`; resolves with the request and its message in the channel. */
export async function request(h: Harness, text: string, user = ALICE): Promise<{ request: SwitchoverRequest; message: FakeMessage; reply: string }> {
  const reply = await command(h, text, user);
  const stage = text.split(/\s+/)[1]!;
  const open = h.deps.approvals.openRequest(stage);
  if (!open) throw new Error(`no request was created: ${reply}`);
  const message = await h.fake.waitFor(() => h.fake.messages.find((m) => m.ts === open.messageTs && m.channel === CHANNEL), 'the request message');
  return { request: open, message, reply };
}

/** Clicks a button on the request message and resolves with its ephemeral answer, if the click gave one. */
export async function clickOn(
  h: Harness,
  actionId: string,
  value: string,
  user: string,
  messageTs: string,
): Promise<{ responses: () => Record<string, unknown>[] }> {
  const sent = await h.click(actionId, value, { user, messageTs });
  expect(sent.status).toBe(200);
  return { responses: () => h.responsesTo(sent).map((r) => r.body) };
}

/** Clicks Approve: resolves with the views.open call (the dialog) or the ephemeral refusal. */
export async function clickApprove(
  h: Harness,
  requestId: string,
  user: string,
  messageTs: string,
): Promise<{ dialog?: RecordedCall; refusal?: string }> {
  const opened = h.fake.callsOf('views.open').length;
  const sent = await h.click(APPROVE_ACTION, requestId, { user, messageTs });
  expect(sent.status).toBe(200);
  const result = await h.fake.waitFor(() => {
    const dialog = h.fake.callsOf('views.open')[opened];
    if (dialog) return { dialog };
    const response = h.responsesTo(sent)[0];
    if (response) return { refusal: String(response.body.text) };
    return undefined;
  }, 'the dialog or a refusal');
  if (result.refusal !== undefined) expect(h.responsesTo(sent)[0]!.body.response_type).toBe('ephemeral');
  return result;
}

export async function clickReject(h: Harness, requestId: string, user: string, messageTs: string) {
  return clickOn(h, REJECT_ACTION, requestId, user, messageTs);
}

/** Submits the approval dialog (as Slack does after "Apply"). */
export async function submitApproval(h: Harness, requestId: string, user: string, retryNum?: number) {
  if (retryNum === undefined) return h.submitView(APPROVE_CONFIRM_CALLBACK, requestId, user);
  return h.submitView(APPROVE_CONFIRM_CALLBACK, requestId, user, {}, { headers: { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' } });
}

/** Resolves once the request message shows `state` (e.g. "Applied", "Failed", "Expired"). */
export function messageShows(h: Harness, messageTs: string, state: string): Promise<FakeMessage> {
  return h.fake.waitFor(
    () => h.fake.messages.find((m) => m.ts === messageTs && (m.text ?? '').startsWith(state)),
    `the request message to show ${state}`,
  );
}

/** Resolves with the ephemeral messages (chat.postEphemeral) sent to `user`, once there are at least `count`. */
export function ephemeralsTo(h: Harness, user: string, count = 1): Promise<string[]> {
  return h.fake.waitFor(() => {
    const texts = h.fake.callsOf('chat.postEphemeral').filter((c) => c.args.user === user).map((c) => String(c.args.text));
    return texts.length >= count ? texts : undefined;
  }, `${count} ephemeral message(s) to ${user}`);
}

/** Approve + dialog + submit by `user`; resolves with the message in its final state. */
export async function approveAll(h: Harness, requestId: string, messageTs: string, user = BOB, state = 'Applied'): Promise<FakeMessage> {
  const { dialog, refusal } = await clickApprove(h, requestId, user, messageTs);
  if (!dialog) throw new Error(`approve refused: ${refusal}`);
  await submitApproval(h, requestId, user);
  return messageShows(h, messageTs, state);
}

/** Changes the switchover listener's weights directly on the simulated stack (someone in the console). */
export function setWeightsBehindTheBot(stack: SimStack, stage: string, weights: Weights): void {
  const s = stack.stage(stage);
  const actions = structuredClone(s.switchoverListener.defaultActions);
  const forward = actions.find((a) => a.Type === 'forward')!;
  for (const group of forward.ForwardConfig!.TargetGroups!) {
    group.Weight = group.TargetGroupArn === s.targetGroups.source.arn ? weights.source : weights.target;
  }
  stack.modifyListener(s.switchoverListener.arn, actions);
}

/** Waits until the app has logged a line matching `match` (the end of work that runs after the ack). */
export async function logged(h: Harness, match: (line: Record<string, unknown>) => boolean, what = 'a log line'): Promise<Record<string, unknown>> {
  for (let i = 0; i < 250; i++) {
    const line = h.logs().find(match);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
