import { get, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { RosterWindowFrame } from '@presence-kit/core';
import { eventually, startServer, type TestServer } from '../support/index.js';
import { internalsOf } from '../../packages/server/src/internals.js';

let server: TestServer;
let reader: SlowReader | undefined;
afterEach(async () => {
  reader?.stop();
  await server?.close();
});

const MiB = 1024 * 1024;

/**
 * A client on a real socket that takes what the server sends at `bytesPerSecond` (a phone on
 * a poor network), and parses the SSE events it has taken so far.
 */
class SlowReader {
  readonly events: { event: string; data: string }[] = [];
  taken = 0;
  ended = false;
  readonly #timer: ReturnType<typeof setInterval>;
  #text = '';

  constructor(
    readonly response: IncomingMessage,
    bytesPerSecond: number,
  ) {
    response.pause();
    response.once('close', () => (this.ended = true));
    response.once('error', () => (this.ended = true));
    const everyMs = 20;
    this.#timer = setInterval(() => {
      for (let budget = (bytesPerSecond * everyMs) / 1000; budget > 0;) {
        const chunk = response.read() as Buffer | null;
        if (!chunk) break;
        budget -= chunk.length;
        this.#take(chunk);
      }
    }, everyMs);
  }

  static open(url: string, bytesPerSecond: number): Promise<SlowReader> {
    return new Promise((resolve, reject) =>
      get(`${url}/presence/stream?v=2`, (response) => resolve(new SlowReader(response, bytesPerSecond))).once(
        'error',
        reject,
      ),
    );
  }

  #take(chunk: Buffer): void {
    this.taken += chunk.length;
    this.#text += chunk.toString();
    for (let end = this.#text.indexOf('\n\n'); end !== -1; end = this.#text.indexOf('\n\n')) {
      const frame = this.#text.slice(0, end);
      this.#text = this.#text.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (event && data !== undefined) this.events.push({ event, data });
    }
  }

  of(event: string): unknown[] {
    return this.events.filter((e) => e.event === event).map((e) => JSON.parse(e.data) as unknown);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.response.destroy();
  }
}

async function subscribe(change: object): Promise<number> {
  const response = await fetch(`${server.url}/presence/subscribe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(change),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('a frame larger than the byte bound', () => {
  it('reaches a reader that drains slowly at 1 MiB/s, who stays connected; a reader whose backlog grows is still dropped', async () => {
    const maxBufferedBytes = 256 * 1024;
    server = await startServer({ maxBufferedBytes });
    const { relay } = internalsOf(server.presence);
    // 10,000 people online with long names: the whole roster window is ~5 MB, twenty times the
    // bound, and more than the loopback socket's kernel buffers take at once.
    for (let i = 0; i < 10_000; i++) {
      const uid = `u${String(i).padStart(5, '0')}`;
      server.presence.upsertUser({ uid, name: `${uid} ${'a long display name '.repeat(22)}`, avatar: null });
      server.presence.touch(uid);
    }
    relay.tick();
    expect(relay.roster().count).toBe(10_000);

    reader = await SlowReader.open(server.url, 1 * MiB);
    await eventually(() => reader!.of('hello').length === 1, 'the hello arrives');
    const { sid } = reader.of('hello')[0] as { sid: string };
    expect(await subscribe({ sid, roster: {} })).toBe(200);
    const connection = relay.sessions.get(sid)!.connection;
    // The premise: the window is still on its way, and far over the bound.
    expect(connection.bufferedBytes).toBeGreaterThan(4 * maxBufferedBytes);

    // While it drains, people keep joining: small deltas queue behind the big frame, tick after tick.
    let joins = 0;
    while (reader.of('roster').length === 0 && !reader.ended && joins < 60) {
      server.presence.touch(`new${joins++}`);
      relay.tick();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(reader.ended, 'the reader was dropped before the window reached it').toBe(false);
    expect(joins).toBeGreaterThan(2);
    const [window] = reader.of('roster') as RosterWindowFrame[];
    expect(window!.users).toHaveLength(window!.count);
    expect(window!.count).toBeGreaterThanOrEqual(10_000);
    await eventually(() => reader!.of('roster').length === 1 + joins, 'every delta queued behind the window arrives');
    expect(reader.ended).toBe(false);
    expect(server.presence.stats().streams).toBe(1);
    expect(await subscribe({ sid, add: ['u00001'] })).toBe(200);

    // The same reader, now asking for the whole window again and again: ~5 MB a second
    // against the 1 MiB it takes. That backlog grows, and it is dropped.
    for (let toggles = 0; toggles < 20 && server.presence.stats().streams === 1; toggles++) {
      await subscribe({ sid, roster: toggles % 2 === 0 ? { max: 9_999 } : {} });
      server.presence.touch(`more${toggles}`);
      relay.tick();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(server.presence.stats().streams).toBe(0);
    expect(await subscribe({ sid, add: ['u00002'] })).toBe(404);
    await eventually(() => reader!.ended, 'the dropped reader sees its stream end');
  }, 30_000);
});
