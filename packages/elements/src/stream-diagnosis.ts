import { PROTOCOL_VERSION } from '@presence-kit/core';
import { readErrorBody } from './error-body.js';

/**
 * Why a stream was refused before its hello, when retrying cannot help: the message to log,
 * or null for anything worth retrying (a 5xx, a 429, the network). EventSource reports every
 * failure as the same bare `error`, so the status and body are read once with `fetch`.
 */
export async function diagnoseStream(url: string): Promise<string | null> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'text/event-stream' } });
  } catch {
    return null;
  }
  if (response.ok) {
    // It opens now: the failure was passing. Let this extra stream go at once.
    void response.body?.cancel().catch(() => {});
    return null;
  }
  if (response.status !== 400) return null;
  const { code, message } = await readErrorBody(response);
  if (code === 'unknown_parameter' && /`v`/.test(message)) {
    return (
      `presence-kit: the presence server at ${url} speaks an older protocol than this page's @presence-kit/elements ` +
      `(protocol ${PROTOCOL_VERSION}); update @presence-kit/server, or use the elements release it ships with. The server said: ${message}`
    );
  }
  return `presence-kit: the presence server refused the stream ${url} (${String(code ?? 400)}): ${message}`;
}
