// The transport of every call to Slack (Web API, response_url answers, file uploads): the `fetch` function
// the Web API client and Bolt take as an option (`FetchFunction`), over node:http(s) with pooled keep-alive
// connections. Node 20's built-in fetch builds web streams and transferable wrappers for every request and
// answer: measured under a burst of commands, it cost the bot about a fifth of its CPU. Answers from Slack
// are small JSON bodies, read whole. A multipart body (FormData, never sent by the bot itself) goes to the
// built-in fetch.
import type { webApi } from '@slack/bolt';
import { createHttpFetch } from '../adapters/http-fetch';

type FetchFunction = NonNullable<webApi.WebClientOptions['fetch']>;
type FetchRequestInit = NonNullable<Parameters<FetchFunction>[1]>;
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/** What the bot sends: the Web API client's strings, and the bytes of a chart upload. */
export type SlackFetchInit = Omit<FetchRequestInit, 'body'> & { body?: string | Uint8Array | FormData };

/** Slack's answers are a few KB; anything past this is refused rather than held in memory. */
export const MAX_ANSWER_BYTES = 20 * 1024 * 1024;

// 32 connections per origin (the Web API client itself allows 100 calls in flight; the rest queue). An idle
// one is closed after 4 s, before Slack's side would close it under a reused request. No resend on a reset
// connection: a Slack call such as chat.postMessage is not safe to repeat.
const overHttp = createHttpFetch({ maxSockets: 32, maxAnswerBytes: MAX_ANSWER_BYTES, idleMs: 4_000 });

export async function slackFetch(input: string | URL, init: SlackFetchInit = {}): Promise<FetchResponse> {
  const { body } = init;
  if (body === undefined || typeof body === 'string' || body instanceof Uint8Array) return overHttp(input, { ...init, body });
  return (await fetch(input, init as RequestInit)) as FetchResponse;
}
