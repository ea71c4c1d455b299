import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { settle, startServer, StreamRecorder, type TestServer } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

let server: TestServer;
afterEach(() => server?.close());

/** Lets `seconds` pass with the relay ticking and held-back writes flushing once a second, as in production. */
async function pass(seconds: number): Promise<void> {
  for (let i = 0; i < seconds; i++) {
    server.clock.advance(1);
    internalsOf(server.presence).recorder.flush();
    internalsOf(server.presence).relay.tick();
  }
  await settle(50);
}

describe('activity the write throttle holds back', () => {
  it('is written when the period ends, so a user active every 52 s never flickers offline', async () => {
    // Writes every 30 s but a margin of only 20 s: without trailing writes, requests at
    // 0 s, 29 s and 81 s would show the user offline at 80 s and online again at 81 s.
    server = await startServer();
    const stream = new StreamRecorder(`${server.url}/presence`, { uids: ['ada'] });
    await stream.waitFor(1);
    await server.visit('ada');
    await pass(29);
    await server.visit('ada'); // throttled: held back, written at 30 s
    await pass(52);
    await server.visit('ada');
    await pass(10);
    expect(stream.of('presence').map((f) => f.users!.ada!.online)).toEqual([true]);
    expect(server.presence.users(['ada']).get('ada')!.last_seen).toBe(server.clock.ms - 10_000);
    stream.close();
  });

  it('never moves a newer stored time backwards', async () => {
    server = await startServer();
    await server.visit('ada');
    server.clock.advance(5);
    await server.visit('ada'); // held back at 5 s
    const newer = server.clock.ms + 10_000; // as if another process wrote later activity
    internalsOf(server.presence).store.touch('ada', newer);
    server.clock.advance(30);
    internalsOf(server.presence).recorder.flush();
    expect(server.presence.users(['ada']).get('ada')!.last_seen).toBe(newer);
  });

  it('is written on shutdown, so a clean stop loses none of it', async () => {
    server = await startServer();
    await server.visit('ada');
    server.clock.advance(12);
    await server.visit('ada');
    const heldBack = server.clock.ms;
    const path = server.dbPath;
    server.presence.close();
    const db = new BetterSqlite3(path, { readonly: true });
    expect(db.prepare('SELECT last_seen FROM presence_users WHERE uid = ?').get('ada')).toEqual({
      last_seen: heldBack,
    });
    db.close();
  });
});
