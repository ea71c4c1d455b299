import { EventSource } from 'eventsource';

export interface Frame {
  event: string;
  data: any;
}

/** A real EventSource over a socket that records every frame, with a way to wait for the next one. */
export class StreamRecorder {
  readonly frames: Frame[] = [];
  readonly source: EventSource;
  #waiters: (() => void)[] = [];

  constructor(url: string) {
    this.source = new EventSource(url);
    for (const event of ['snapshot', 'presence', 'roster']) {
      this.source.addEventListener(event, (e) => {
        this.frames.push({ event, data: JSON.parse((e as MessageEvent<string>).data) });
        for (const wake of this.#waiters.splice(0)) wake();
      });
    }
  }

  /** Resolves once `count` frames have arrived in total. */
  async waitFor(count: number, timeoutMs = 5000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < count) {
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
