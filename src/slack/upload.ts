// Uploads a PNG (a chart) into a channel or thread with Slack's external upload flow:
// files.getUploadURLExternal, then the bytes POSTed to the returned URL, then files.completeUploadExternal.
// The upload URL is pre-signed, so the bot token is never sent to it.
import type { webApi } from '@slack/bolt';

/** The chart's bytes (a few hundred KB) to Slack's upload URL: longer than a Web API call, still bounded. */
const UPLOAD_TIMEOUT_MS = 15_000;

export interface PngUpload {
  channel: string;
  threadTs?: string;
  filename: string;
  title: string;
  png: Buffer;
  /** Text posted with the file. */
  comment?: string;
}

export class UploadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UploadError';
  }
}

/** Returns the Slack file ID. Slack API failures throw as the Web API client reports them (see errors.ts). */
export async function uploadPng(client: webApi.WebClient, upload: PngUpload): Promise<string> {
  const ticket = await client.files.getUploadURLExternal({ filename: upload.filename, length: upload.png.length });
  if (!ticket.upload_url || !ticket.file_id) throw new UploadError('Slack gave no upload URL for the file');
  const response = await fetch(ticket.upload_url, {
    method: 'POST',
    headers: { 'Content-Type': 'image/png' },
    body: upload.png,
    redirect: 'follow',
    signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
  });
  if (!response.ok) throw new UploadError(`Slack refused the file bytes: HTTP ${response.status}`);
  await client.files.completeUploadExternal({
    files: [{ id: ticket.file_id, title: upload.title }],
    channel_id: upload.channel,
    ...(upload.threadTs ? { thread_ts: upload.threadTs } : {}),
    ...(upload.comment ? { initial_comment: upload.comment } : {}),
  });
  return ticket.file_id;
}
