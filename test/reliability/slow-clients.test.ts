import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, settle, startServer, StreamRecorder, type TestServer, type Watch } from '../support/index.js';
import { heapAfterGc } from './memory.js';
import { internalsOf } from '../../packages/server/src/internals.js';

let server: TestServer;
afterEach(() => server?.close());

/**
 * A raw client that opens a session, subscribes it to `watch` once the hello names it,
 * then stops reading or vanishes, as the test decides.
 */
function rawSession(url: string, watch: Watch): Promise<{ socket: Socket; sid: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(`GET /presence/stream?v=2 HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`),
    );
    let text = '';
    const read = (chunk: Buffer) => {
      text += chunk;
      const sid = /"sid":"([^"]+)"/.exec(text)?.[1];
      if (!sid) return;
      socket.off('data', read);
      void subscribe(url, sid, { add: watch.uids, roster: watch.roster }).then(() => resolve({ socket, sid }), reject);
    };
    socket.on('data', read);
    socket.once('error', reject);
  });
}

function subscribe(url: string, sid: string, change: object): Promise<number> {
  return fetch(`${url}/presence/subscribe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sid, ...change }),
  }).then(async (response) => (await response.arrayBuffer(), response.status));
}

describe('slow and dead clients', () => {
  it('drops a subscriber that stops reading once its queue passes the bound, and keeps serving the others', async () => {
    server = await startServer({ maxBufferedBytes: 64 * 1024 });
    const users = Array.from({ length: 1000 }, (_, i) => String(i));
    for (const uid of users) {
      server.presence.upsertUser({
        uid,
        name: `A rather long display name number ${uid}`,
        avatar: `/avatars/${uid}.png`,
      });
      server.presence.touch(uid);
    }
    internalsOf(server.presence).relay.tick(); // the whole roster now is ~65 KB of JSON

    const stalled = await rawSession(server.url, { roster: {} });
    stalled.socket.pause();
    const reader = new StreamRecorder(`${server.url}/presence`, { roster: {} });
    await reader.waitFor(1);
    expect(server.presence.stats().streams).toBe(2);

    let toggles = 0;
    while (server.presence.stats().streams === 2 && toggles < 400) {
      // The stalled client asks for the whole window again and again; everyone gets the small deltas.
      await subscribe(server.url, stalled.sid, { roster: toggles % 2 === 0 ? { max: 999 } : {} });
      server.presence.setHidden('0', toggles % 2 === 0);
      internalsOf(server.presence).relay.tick();
      toggles++;
      await settle(5);
    }
    expect(server.presence.stats().streams).toBe(1);
    expect(await subscribe(server.url, stalled.sid, { roster: {} })).toBe(404);
    await reader.waitFor(1 + toggles);
    expect(reader.of('roster')).toHaveLength(1 + toggles);
    console.info(`stalled client dropped after ${toggles} roster windows of ~65 KB`);
    reader.close();
    stalled.socket.destroy();
  });

  it('keeps memory flat while 1,000 clients connect, stall or vanish, and leave', async () => {
    server = await startServer({ maxStreamsPerClient: 10_000, maxBufferedBytes: 16 * 1024 });
    server.presence.touch('1');
    internalsOf(server.presence).relay.tick();
    const warm = await Promise.all(
      Array.from({ length: 50 }, () => rawSession(server.url, { uids: ['1', '2', '3'], roster: { max: 12 } })),
    );
    for (const s of warm) s.socket.destroy();
    await eventually(() => server.presence.stats().streams === 0, 'the warm-up clients are gone');
    const before = heapAfterGc();

    for (let round = 0; round < 5; round++) {
      const sockets = (
        await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            rawSession(server.url, { uids: [`${i}`, `${i + 1}`, `${i + 2}`], roster: { max: 12 } }),
          ),
        )
      ).map((s) => s.socket);
      expect(server.presence.stats().streams).toBe(200);
      // Half vanish without a goodbye (RST); half stall and are dropped by the bound or their own close.
      sockets.forEach((s, i) => (i % 2 ? s.resetAndDestroy() : s.pause()));
      for (let i = 0; i < 20; i++) {
        server.presence.setHidden('1', i % 2 === 0);
        internalsOf(server.presence).relay.tick();
      }
      for (const s of sockets) s.destroy();
      await eventually(() => server.presence.stats().streams === 0, 'every client of the round is gone');
    }
    expect(server.presence.stats().watchedUids).toBe(0);
    const after = heapAfterGc();
    console.info(`heap after GC: ${before.toFixed(1)} MiB before, ${after.toFixed(1)} MiB after 1,000 clients`);
    expect(after - before).toBeLessThan(8);
  });
});
