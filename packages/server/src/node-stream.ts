import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { SseConnection, WebSseConnection } from './sse-connection.js';

/** What the stream uses of a Node response, HTTP/1.1's `ServerResponse` and HTTP/2's compatibility one alike. */
interface NodeResponse {
  readonly headersSent: boolean;
  readonly destroyed: boolean;
  readonly writableLength: number;
  writeHead(status: number, headers: Record<string, string | string[]>): unknown;
  write(chunk: Uint8Array): boolean;
  end(): unknown;
  destroy(): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/** The header by which a Response tells @hono/node-server that the handler answered on the Node response itself. */
const [ALREADY_SENT] = [...RESPONSE_ALREADY_SENT.headers.keys()] as [string];

export interface NodeBindings {
  incoming: IncomingMessage | Http2ServerRequest;
  outgoing: NodeResponse;
}

/** The request and response under @hono/node-server (its documented `c.env`); undefined on other runtimes and in `app.request`. */
export function nodeBindings(c: Context): NodeBindings | undefined {
  const env = c.env as { incoming?: unknown; outgoing?: unknown } | undefined;
  const { incoming, outgoing } = env ?? {};
  const http1 = incoming instanceof IncomingMessage && outgoing instanceof ServerResponse;
  const http2 = incoming instanceof Http2ServerRequest && outgoing instanceof Http2ServerResponse;
  return http1 || http2 ? { incoming, outgoing } : undefined;
}

/** The stream for this request: on the Node response under @hono/node-server, a portable ReadableStream elsewhere. */
export function openConnection(
  node: NodeBindings | undefined,
  maxBufferedBytes: number,
  onClose: () => void,
): SseConnection {
  return node
    ? new NodeSseConnection(node.outgoing, maxBufferedBytes, onClose)
    : new WebSseConnection(maxBufferedBytes, onClose);
}

/**
 * A stream written straight to the Node response: no Request signal, no ReadableStream
 * with its reader, controller and the promise chain that pipes it — the Web-standard
 * objects that made an idle stream cost about twice a bare `node:http` one. The socket's
 * own buffer is the queue that `maxBufferedBytes` bounds.
 *
 * The head waits for the host's middleware: those after the handler (secureHeaders(),
 * timing(), cors()'s Vary…) add their headers on the way out, so it is written from the
 * final `c.res` once the middleware chain has run, on the next macrotask. Frames written
 * before then (the retry hint and the hello) wait for it. node-server gives no signal for
 * the chain's end, so a middleware that awaits I/O of its own after `next()` and only then
 * sets a header is too late for the head (on the portable path it is not).
 */
export class NodeSseConnection extends SseConnection {
  readonly #outgoing: NodeResponse;
  /** Frames written before the head; undefined once it is out. */
  #early: Uint8Array[] | undefined = [];

  constructor(outgoing: NodeResponse, maxBufferedBytes: number, onClose: () => void) {
    super(maxBufferedBytes, onClose);
    this.#outgoing = outgoing;
    // `on`, not `once`: the event comes once anyway, and `once` wraps the listener in two more objects per stream.
    outgoing.on('close', () => this.close());
  }

  get bufferedBytes(): number {
    return (this.#early?.reduce((sum, bytes) => sum + bytes.byteLength, 0) ?? 0) + this.#outgoing.writableLength;
  }

  respond(c: Context, headers: Record<string, string>): Response {
    setImmediate(() => this.#writeHead(c));
    const response = c.body(null, 200, { ...headers, [ALREADY_SENT]: 'true' });
    // node-server writes a Response it still holds in its lazy form (a null body never read)
    // itself, without looking for the already-sent header; reading the body makes it a real one.
    void response.body;
    return response;
  }

  protected send(bytes: Uint8Array): void {
    if (this.#early) this.#early.push(bytes);
    else this.#outgoing.write(bytes);
  }

  protected finish(dropped: boolean): void {
    // Before the head, #writeHead ends the response once it is out (or leaves it to whoever answered instead).
    if (this.#early) return;
    if (dropped) this.#outgoing.destroy();
    else this.#outgoing.end();
  }

  #writeHead(c: Context): void {
    const outgoing = this.#outgoing;
    const final = c.res;
    // A middleware replaced the answer (an error, a 304), which node-server sends, or the
    // client left: the session ends, and the response is not this connection's to touch.
    if (!final.headers.has(ALREADY_SENT) || outgoing.headersSent || outgoing.destroyed) return this.close();
    const early = this.#early ?? [];
    this.#early = undefined;
    outgoing.writeHead(final.status, headersOf(final.headers));
    if (early.length > 0) outgoing.write(early.length === 1 ? early[0]! : Buffer.concat(early));
    if (this.closed) outgoing.end();
  }
}

/** A Response's headers for `writeHead`, without the already-sent marker; each Set-Cookie its own line. */
function headersOf(headers: Headers): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  headers.forEach((value, name) => {
    if (name !== ALREADY_SENT && name !== 'set-cookie') record[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) record['set-cookie'] = cookies;
  return record;
}
