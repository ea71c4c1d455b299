import BetterSqlite3 from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createPresence } from '../../packages/server/src/index.js';
import { spawnServer, StreamRecorder, tempDbPath } from '../support/index.js';

const children: ChildProcess[] = [];
const streams: StreamRecorder[] = [];
afterEach(() => {
  for (const s of streams.splice(0)) s.close();
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

describe('several server processes on one SQLite file', () => {
  it('show every subscriber the same transitions, with at most one write per user per window per process', async () => {
    const file = tempDbPath();
    // Create the kit's table, then count every write to last_seen with a trigger.
    createPresence({ db: file.path, log: () => {} }).close();
    const counter = new BetterSqlite3(file.path);
    counter.exec(`CREATE TABLE writes (n INTEGER); INSERT INTO writes VALUES (0);
      CREATE TRIGGER count_insert AFTER INSERT ON presence_users BEGIN UPDATE writes SET n = n + 1; END;
      CREATE TRIGGER count_update AFTER UPDATE OF last_seen ON presence_users BEGIN UPDATE writes SET n = n + 1; END;`);

    const [a, b] = await Promise.all([spawnServer(file.path), spawnServer(file.path)]);
    children.push(a.child, b.child);
    const onA = new StreamRecorder(`${a.url}/presence`, { uids: ['ada'], roster: {} });
    const onB = new StreamRecorder(`${b.url}/presence`, { uids: ['ada'], roster: {} });
    streams.push(onA, onB);
    await Promise.all([onA.waitFor(2), onB.waitFor(2)]);

    // Ada's requests land on both processes, as behind a load balancer.
    for (let i = 0; i < 20; i++) await fetch(`${i % 2 ? a.url : b.url}/`, { headers: { 'x-forwarded-user': 'ada' } });
    await Promise.all([onA.waitFor(4), onB.waitFor(4)]);

    const seen = (s: StreamRecorder) =>
      s.frames.slice(2).map((f) => [f.event, f.event === 'presence' ? f.users!.ada!.online : f.data.count]);
    expect(seen(onA)).toEqual([
      ['presence', true],
      ['roster', 1],
    ]);
    expect(seen(onB)).toEqual(seen(onA));
    expect((counter.prepare('SELECT n FROM writes').get() as { n: number }).n).toBeLessThanOrEqual(2);
    counter.close();
    file.cleanup();
  });
});
