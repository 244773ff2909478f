// The AWS Query protocol (ELBv2) as it goes over the wire: form-encoded requests in, XML documents out.
// Only what the simulated stack needs, but in the documented shapes, so the SDK parses it as it would AWS.

/** A decoded Query request: `A.member.1.B=x` becomes `{ A: [{ B: 'x' }] }`. Leaves stay strings. */
export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue };
export type QueryObject = { [key: string]: QueryValue };

export function decodeQuery(body: string): QueryObject {
  const root: QueryObject = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.split('.');
    let node: QueryObject | QueryValue[] = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      if (Array.isArray(node)) {
        // Inside a list the part is the 1-based index.
        const index = Number(part) - 1;
        if (last) node[index] = value;
        else node = (node[index] ??= {}) as QueryObject;
        continue;
      }
      if (parts[i + 1] === 'member' || parts[i + 1] === 'entry') {
        const list: QueryValue[] = (Array.isArray(node[part]) ? node[part] : (node[part] = [])) as QueryValue[];
        node = list;
        i++; // skip "member"
        continue;
      }
      if (last) node[part] = value;
      else {
        if (typeof node[part] !== 'object') node[part] = {};
        node = node[part] as QueryObject;
      }
    }
  }
  return root;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** XML for a Query result: arrays become `<member>` lists, Dates ISO-8601, undefined is left out. */
export function toXml(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => `<member>${toXml(item)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return escapeXml(String(value));
}

export function queryResponse(action: string, xmlns: string, result: unknown, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${xmlns}"><${action}Result>${toXml(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function queryError(xmlns: string, type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

/** AWS's JSON and XML timestamps are epoch seconds. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
