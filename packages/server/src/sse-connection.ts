const encoder = new TextEncoder();

/** What `writeDirectlyTo` needs of a Node `ServerResponse`. */
export interface DirectSocket {
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  readonly writableLength: number;
  write(chunk: Uint8Array): boolean;
}

/**
 * One open SSE response. Frames are queued in a ReadableStream that the HTTP layer
 * drains at the socket's pace; a client that stops reading is dropped once its queue
 * passes `maxBufferedBytes`, so it cannot grow server memory.
 */
export class SseConnection {
  readonly body: ReadableStream<Uint8Array>;
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #closed = false;
  readonly #onClose: (connection: SseConnection) => void;
  #socket: DirectSocket | undefined;
  /** True once the HTTP layer asked for more after taking everything queued: all of it reached the socket. */
  #drained = false;

  constructor(
    readonly maxBufferedBytes: number,
    onClose: (connection: SseConnection) => void,
  ) {
    this.#onClose = onClose;
    this.body = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => {
          this.#drained = true;
        },
        cancel: () => this.close(),
      },
      // desiredSize then counts queued bytes below zero.
      { highWaterMark: 0, size: (chunk) => chunk.byteLength },
    );
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes queued but not yet taken by the socket. */
  get bufferedBytes(): number {
    if (this.#closed) return 0;
    return Math.max(0, -(this.#controller.desiredSize ?? 0)) + (this.#socket?.writableLength ?? 0);
  }

  /**
   * Under @hono/node-server: the Node response this stream is piped into. Once the
   * response is flowing and everything queued has been written, frames go straight to
   * it — the web-stream bridge costs several times a plain write per frame, which is
   * what a fan-out to 10,000 streams is made of. Order is kept: while anything is still
   * queued, frames queue behind it.
   */
  writeDirectlyTo(socket: DirectSocket): void {
    this.#socket = socket;
  }

  /**
   * Sends SSE text framed by `sseFrame`, or bytes already encoded: the relay encodes a
   * frame once and hands the same bytes to every connection that gets it. Returns false
   * if the connection is gone.
   */
  write(chunk: string | Uint8Array): boolean {
    if (this.#closed) return false;
    if (this.bufferedBytes > this.maxBufferedBytes) {
      this.close();
      return false;
    }
    try {
      const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      const socket = this.#socket;
      if (socket && this.#drained && socket.headersSent && !socket.writableEnded) {
        socket.write(bytes);
        return true;
      }
      this.#drained = false;
      this.#controller.enqueue(bytes);
      return true;
    } catch {
      this.close();
      return false;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#controller.close();
    } catch {
      // Already cancelled by the client: nothing left to close.
    }
    this.#onClose(this);
  }
}
