// A fetch Response whose body is never read keeps its connection out of the keep-alive pool (and its
// buffers alive) until the garbage collector finalizes it: under load every such call then opens a new
// socket. Bolt's respond() and the file upload hand back bodies nobody needs; read them to the end here.

/** Reads and drops the body of a fetch Response (anything else, e.g. a test double's undefined, is ignored). */
export async function discardBody(response: unknown): Promise<void> {
  const body = (response as { body?: unknown; bodyUsed?: boolean; arrayBuffer?: () => Promise<unknown> } | undefined) ?? undefined;
  if (!body || typeof body.arrayBuffer !== 'function' || body.bodyUsed || body.body === null) return;
  try {
    await body.arrayBuffer();
  } catch {
    // The answer was already judged by its status; a body that fails to arrive changes nothing.
  }
}
