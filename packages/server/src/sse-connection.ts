import type { Context } from 'hono';

const encoder = new TextEncoder();

/**
 * One open SSE response, as the relay and the routes see it: frames go out at the
 * socket's pace, and a client that stops reading is dropped once what it has not taken
 * passes `maxBufferedBytes`, so it cannot grow server memory. How the bytes reach the
 * socket is the subclass's: a ReadableStream anywhere (`WebSseConnection`), or the Node
 * response itself under @hono/node-server (`NodeSseConnection`, node-stream.ts).
 */
export abstract class SseConnection {
  #closed = false;
  readonly #onClose: () => void;

  constructor(
    readonly maxBufferedBytes: number,
    onClose: () => void,
  ) {
    this.#onClose = onClose;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes written but not yet taken by the client's socket. */
  abstract get bufferedBytes(): number;

  /**
   * The answer the route returns, built with `c.body` so the headers middleware set with
   * `c.header()` before the handler (requestId()…) are on it; `headers` are the stream's own.
   */
  abstract respond(c: Context, headers: Record<string, string>): Response;

  protected abstract send(bytes: Uint8Array): void;

  /** Ends the response: gracefully, or at once for a client dropped with bytes it will never take. */
  protected abstract finish(dropped: boolean): void;

  /**
   * Sends SSE text framed by `sseFrame`, or bytes already encoded: the relay encodes a
   * frame once and hands the same bytes to every connection that gets it. Returns false
   * if the connection is gone.
   */
  write(chunk: string | Uint8Array): boolean {
    if (this.#closed) return false;
    if (this.bufferedBytes > this.maxBufferedBytes) {
      this.#end(true);
      return false;
    }
    try {
      this.send(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      return true;
    } catch {
      this.#end(true);
      return false;
    }
  }

  close(): void {
    this.#end(false);
  }

  #end(dropped: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    this.finish(dropped);
    this.#onClose();
  }
}

/**
 * The portable stream: frames are queued in a ReadableStream that the HTTP layer drains
 * (any runtime, and `app.request` in tests). The client leaving aborts the request's signal.
 */
export class WebSseConnection extends SseConnection {
  readonly body: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;

  constructor(maxBufferedBytes: number, onClose: () => void) {
    super(maxBufferedBytes, onClose);
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        cancel: () => this.close(),
      },
      // desiredSize then counts queued bytes below zero.
      { highWaterMark: 0, size: (chunk) => chunk.byteLength },
    );
  }

  get bufferedBytes(): number {
    return this.closed ? 0 : Math.max(0, -(this.#controller.desiredSize ?? 0));
  }

  respond(c: Context, headers: Record<string, string>): Response {
    c.req.raw.signal.addEventListener('abort', () => this.close(), { once: true });
    return c.body(this.body, 200, headers);
  }

  protected send(bytes: Uint8Array): void {
    this.#controller.enqueue(bytes);
  }

  protected finish(): void {
    try {
      this.#controller.close();
    } catch {
      // Already cancelled by the client: nothing left to close.
    }
  }
}
