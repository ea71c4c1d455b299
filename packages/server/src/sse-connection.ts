import type { Context } from 'hono';

const encoder = new TextEncoder();

/**
 * One open SSE response, as the relay and the routes see it: frames go out at the
 * socket's pace, and a client that stops reading is dropped once what it has not taken
 * passes `maxBufferedBytes`, so it cannot grow server memory. The frame it is taking now
 * does not count: one frame bigger than the bound (a whole roster of 10,000) reaches a
 * slow reader whole, and only what queues behind it is bounded. How the bytes reach the
 * socket is the subclass's: a ReadableStream anywhere (`WebSseConnection`), or the Node
 * response itself under @hono/node-server (`NodeSseConnection`, node-stream.ts).
 */
export abstract class SseConnection {
  #closed = false;
  readonly #onClose: () => void;
  /** Bytes ever written; with `bufferedBytes`, how far the client has taken them. */
  #written = 0;
  /** Where the last frame written ends (a byte offset in `#written`). */
  #lastEnd = 0;
  /**
   * Where each earlier frame the client has not finished ends, oldest first; undefined while
   * at most one frame is in flight, so an idle stream holds no array.
   */
  #ends: number[] | undefined;

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
    const taken = this.#written - this.bufferedBytes;
    if (this.#backlog(taken) > this.maxBufferedBytes) {
      this.#end(true);
      return false;
    }
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    try {
      this.send(bytes);
    } catch {
      this.#end(true);
      return false;
    }
    if (this.#lastEnd > taken) (this.#ends ??= []).push(this.#lastEnd);
    this.#written += bytes.byteLength;
    this.#lastEnd = this.#written;
    return true;
  }

  /**
   * What the client has not taken beyond the frame it is taking now (`taken` bytes in).
   * Buffers let go of a whole write at a time (a Node socket counts a write until all of it
   * is out; a ReadableStream dequeues a chunk whole), so the frame being taken is the oldest
   * one that ends past `taken`.
   */
  #backlog(taken: number): number {
    const ends = this.#ends;
    while (ends && ends.length > 0 && ends[0]! <= taken) ends.shift();
    if (ends?.length === 0) this.#ends = undefined;
    return this.#written - Math.max(taken, this.#ends?.[0] ?? this.#lastEnd);
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
