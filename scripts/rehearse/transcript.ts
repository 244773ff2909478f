// Prints everything the bot says in the fake Slack as readable text, in the order Slack received it: channel
// posts, updates in place, ephemeral answers (response_url and chat.postEphemeral), dialogs, and uploaded
// charts (whose PNG bytes it saves into a folder).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageToPlainText, viewToPlainText, type PlainTextOptions } from '../../src/blocks/plain-text';
import type { FakeSlack, RecordedCall, RecordedResponse } from '../../test/support/fake-slack';

export interface TranscriptOptions extends PlainTextOptions {
  /** Where uploaded charts are saved. */
  chartsDir: string;
  write(text: string): void;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => (line ? `    ${line}` : ''))
    .join('\n');

export function fileNameFor(n: number, title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `${String(n).padStart(2, '0')}-${slug || 'chart'}.png`;
}

/** The lines of `after` that `before` did not have, with a count of the unchanged ones. */
export function changedLines(before: string, after: string): string {
  const old = new Set(before.split('\n'));
  const lines = after.split('\n');
  const changed = lines.filter((line) => !old.has(line));
  const same = lines.length - changed.length;
  if (changed.length === 0) return '(no visible change)';
  return [...changed, ...(same > 0 ? [`(${same} line${same === 1 ? '' : 's'} as before)`] : [])].join('\n');
}

export class Transcript {
  /** response_url path -> who it answers. */
  private readonly answering = new Map<string, string>();
  /** What each message showed last, by ts, so an update prints only what changed. */
  private readonly shown = new Map<string, string>();
  private calls = 0;
  private responses = 0;
  readonly charts: string[] = [];

  constructor(
    private readonly fake: FakeSlack,
    private readonly options: TranscriptOptions,
  ) {
    fake.on('change', () => this.flush());
  }

  /** The response_url of a command or click sent as `user`, so its answers are shown as only theirs. */
  answers(responseUrl: string, user: string): void {
    if (responseUrl) this.answering.set(new URL(responseUrl).pathname, user);
  }

  private name(id: string): string {
    return `@${this.options.names?.[id] ?? id}`;
  }

  flush(): void {
    while (this.calls < this.fake.calls.length) this.showCall(this.fake.calls[this.calls++]!);
    while (this.responses < this.fake.responses.length) this.showResponse(this.fake.responses[this.responses++]!);
  }

  private show(head: string, body: string): void {
    this.options.write(`  ${head}\n${body ? `${indent(body)}\n` : ''}`);
  }

  private showCall(call: RecordedCall): void {
    const args = call.args;
    const text = () => messageToPlainText(args, this.options);
    switch (call.method) {
      case 'chat.postMessage': {
        const body = text();
        const ts = this.postedTs(call);
        if (ts) this.shown.set(ts, body);
        this.show(`bot, ${args.thread_ts ? 'in a thread' : 'in the channel'}${ts ? ` (message ${ts})` : ''}:`, body);
        return;
      }
      case 'chat.update': {
        const ts = String(args.ts);
        const body = text();
        const before = this.shown.get(ts);
        this.shown.set(ts, body);
        this.show(`bot updated message ${ts}${before ? ', now' : ''}:`, before ? changedLines(before, body) : body);
        return;
      }
      case 'chat.postEphemeral':
        this.show(`bot, only ${this.name(String(args.user))} sees:`, text());
        return;
      case 'views.open':
        this.show('bot opened a dialog:', viewToPlainText(args.view, this.options));
        return;
      case 'files.completeUploadExternal': {
        const files = (args.files as { id: string; title?: string }[] | undefined) ?? [];
        for (const file of files) {
          const upload = this.fake.uploads.find((u) => u.fileId === file.id);
          const name = fileNameFor(this.charts.length + 1, file.title ?? file.id);
          if (upload) writeFileSync(join(this.options.chartsDir, name), upload.bytes);
          this.charts.push(name);
          this.show(`bot uploaded a chart${args.thread_ts ? ' in a thread' : ''}: "${file.title ?? file.id}" (saved as ${name})`, '');
        }
        return;
      }
      default:
        return; // auth.test, files.getUploadURLExternal, usergroups lookups: plumbing, not messages
    }
  }

  /** The ts the fake Slack gave a chat.postMessage (its messages keep the posted blocks object). */
  private postedTs(call: RecordedCall): string | undefined {
    const message = this.fake.messages.find((m) => m.blocks !== undefined && m.blocks === call.args.blocks)
      ?? this.fake.messages.find((m) => m.text === call.args.text && m.channel === call.args.channel);
    return message?.ts;
  }

  private showResponse(response: RecordedResponse): void {
    const who = this.answering.get(response.path);
    const body = response.body;
    const visible = body.response_type === 'in_channel' ? 'in the channel' : `only ${who ? this.name(who) : 'the sender'} sees`;
    const replaced = body.replace_original === true ? ' (replacing the earlier answer)' : '';
    this.show(`bot, ${visible}${replaced}:`, messageToPlainText(body, this.options));
  }
}
