import { EventSource } from 'eventsource';
import { decodeStatuses, type HelloFrame, type RosterSubscription, type StatusMap, type Uid } from '@presence-kit/core';

export interface Frame {
  event: string;
  data: any;
  /** The SSE event id it carried. */
  id: string;
  /** A snapshot's or presence frame's statuses, decoded to `{ online, last_seen }`. */
  users?: StatusMap;
}

/** What a `StreamRecorder` subscribes to on every session it opens. */
export interface Watch {
  uids?: Uid[];
  roster?: RosterSubscription;
}

/**
 * A real EventSource over a socket, speaking protocol 2 as a page does: on every hello
 * (the first, and each after a reconnect) it subscribes to `watch` on the new session.
 * Records every frame after the hellos, with a way to wait for the next one.
 */
export class StreamRecorder {
  readonly frames: Frame[] = [];
  readonly hellos: HelloFrame[] = [];
  /** Subscribe answers that were not 200, as `status code`. */
  readonly refusals: string[] = [];
  readonly source: EventSource;
  #waiters: (() => void)[] = [];

  /** `base` is where presence is mounted, e.g. `http://127.0.0.1:1234/presence`. */
  constructor(
    readonly base: string,
    readonly watch: Watch,
  ) {
    this.source = new EventSource(`${base}/stream?v=2`);
    this.source.addEventListener('hello', (e) => {
      const hello = JSON.parse((e as MessageEvent<string>).data) as HelloFrame;
      this.hellos.push(hello);
      void this.subscribe({ add: watch.uids, roster: watch.roster });
    });
    for (const event of ['snapshot', 'presence', 'roster']) {
      this.source.addEventListener(event, (e) => {
        const message = e as MessageEvent<string>;
        const data = JSON.parse(message.data);
        const frame: Frame = { event, data, id: message.lastEventId };
        if (event !== 'roster') frame.users = decodeStatuses(data);
        this.frames.push(frame);
        this.#wake();
      });
    }
  }

  /** Changes the current session's subscription; resolves with the answer's status. */
  async subscribe(change: { add?: Uid[]; remove?: Uid[]; roster?: RosterSubscription | null }): Promise<number> {
    const sid = this.hellos.at(-1)?.sid;
    const response = await fetch(`${this.base}/subscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sid, ...change }),
    });
    if (response.status !== 200) this.refusals.push(`${response.status} ${(await response.json()).error?.code}`);
    else await response.arrayBuffer();
    this.#wake();
    return response.status;
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves once `count` frames have arrived in total. */
  async waitFor(count: number, timeoutMs = 5000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < count) {
      if (this.refusals.length > 0) throw new Error(`subscribing was refused: ${this.refusals.join(', ')}`);
      if (Date.now() > deadline) throw new Error(`expected ${count} frames, got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.frames;
  }

  of(event: string): Frame[] {
    return this.frames.filter((f) => f.event === event);
  }

  close(): void {
    this.source.close();
  }
}

/**
 * Lets everything already queued reach a reader: the relay's nudged ticks run on
 * `setImmediate`, and queued chunks reach the reader on microtasks.
 */
const drain = () => new Promise<void>((resolve) => setTimeout(() => setImmediate(resolve), 0));

/**
 * Reads a `text/event-stream` body (e.g. from `app.request`) as its exact frames: each
 * frame is the raw text up to and including its blank line, such as `retry: 2000\n\n`
 * or `event: snapshot\ndata: {…}\n\n`.
 */
export class FrameReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #text = '';
  #frames: string[] = [];
  #ended = false;
  #wake: (() => void) | undefined;

  constructor(response: Response) {
    if (!response.body) throw new Error(`expected an event stream, got ${response.status} with no body`);
    this.#reader = response.body.getReader();
    void this.#pump();
  }

  async #pump(): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await this.#reader.read();
        if (done) break;
        this.#text += this.#decoder.decode(value, { stream: true });
        for (let end = this.#text.indexOf('\n\n'); end !== -1; end = this.#text.indexOf('\n\n')) {
          this.#frames.push(this.#text.slice(0, end + 2));
          this.#text = this.#text.slice(end + 2);
        }
        this.#wake?.();
      }
    } catch {
      // Cancelled: the stream is over either way.
    }
    this.#ended = true;
    this.#wake?.();
  }

  /** The next `count` frames not read yet, waiting up to `timeout` ms for them. */
  async next(count = 1, timeout = 2000): Promise<string[]> {
    const deadline = Date.now() + timeout;
    while (this.#frames.length < count) {
      if (this.#ended)
        throw new Error(`the stream ended after ${JSON.stringify(this.#frames)}; expected ${count} frames`);
      if (Date.now() >= deadline)
        throw new Error(`expected ${count} frames within ${timeout} ms, got ${JSON.stringify(this.#frames)}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.#frames.splice(0, count);
  }

  /** Every frame sent so far and not read yet: `[]` means the server sent nothing more. */
  async rest(): Promise<string[]> {
    await drain();
    return this.#frames.splice(0);
  }

  /** True once the server ended the stream. */
  async ended(): Promise<boolean> {
    await drain();
    return this.#ended;
  }

  /** Goes away, as a client closing the page does. */
  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}
