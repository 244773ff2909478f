// Uploads a message's chart images (PNGs) into a channel or thread in ONE share: Slack's files.uploadV2 as the
// Web API client implements it (files.getUploadURLExternal per file, the bytes POSTed to each pre-signed URL,
// then one files.completeUploadExternal for them all), so several images arrive as one thread message.
import type { webApi } from '@slack/bolt';
import { SystemClock } from '../adapters/clock';
import { withDeadline } from '../core/deadline';

const wallClock = new SystemClock();

export interface ChartImage {
  filename: string;
  title: string;
  png: Buffer;
}

export interface ChartUpload {
  channel: string;
  threadTs?: string;
  images: ChartImage[];
  /** Text posted with the images. */
  comment?: string;
}

/**
 * The whole share, however many files (each call also has the Web API client's own deadline, see client.ts):
 * a stuck upload must not hold a message's thread for long.
 */
export const UPLOAD_TIMEOUT_MS = 15_000;

/** Returns the Slack file IDs. Slack API failures throw as the Web API client reports them (see errors.ts). */
export async function uploadCharts(client: webApi.WebClient, upload: ChartUpload, timeoutMs = UPLOAD_TIMEOUT_MS): Promise<string[]> {
  if (upload.images.length === 0) return [];
  const share = client.filesUploadV2({
    channel_id: upload.channel,
    ...(upload.threadTs ? { thread_ts: upload.threadTs } : {}),
    ...(upload.comment ? { initial_comment: upload.comment } : {}),
    file_uploads: upload.images.map((image) => ({ file: image.png, filename: image.filename, title: image.title, alt_text: image.title })),
  });
  const late = () => {
    throw new Error(`Slack did not take the charts within ${timeoutMs / 1000} s`);
  };
  const result = (await withDeadline(share, timeoutMs, late, (ms, signal) => wallClock.sleep(ms, signal))) as {
    files?: Array<{ files?: Array<{ id?: string }> }>;
  };
  return (result.files ?? []).flatMap((c) => (c.files ?? []).map((f) => f.id ?? '')).filter((id) => id !== '');
}
