import BetterSqlite3, { type Database } from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ActivityRecorder, type ActivityRecorderOptions } from '../src/activity-recorder.js';
import { openDatabase } from '../src/create-presence.js';
import { FaultLog } from '../src/fault-log.js';
import { createLastSeenStore } from '../src/last-seen-store.js';
import { FakeClock, tempDbPath } from '../../../test/support/index.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A recorder over the kit's table in a real SQLite file, on a fake clock, with no sweep timer. */
function setup(options: Partial<ActivityRecorderOptions> & { db?: Database } = {}) {
  const file = tempDbPath();
  const db = options.db ?? openDatabase(file.path);
  const clock = new FakeClock();
  const logged: string[] = [];
  const store = createLastSeenStore(db, undefined);
  const recorder = new ActivityRecorder({
    store,
    writeSeconds: 30,
    maxEntries: 100_000,
    now: clock.now,
    faults: new FaultLog((message) => logged.push(message), clock.monotonic),
    ...options,
  });
  cleanups.push(() => {
    if (db.open) db.close();
    file.cleanup();
  });
  const lastSeen = (uid: string) => store.users([uid]).get(uid)?.lastSeen ?? null;
  const writes = () => (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  return { db, file, clock, store, recorder, logged, lastSeen, writes };
}

describe('the activity recorder', () => {
  it('writes a user at once, then at most once per period, however often they are active', () => {
    const { recorder, clock, lastSeen, writes } = setup();
    const first = clock.ms;
    expect(recorder.record('ada')).toBe(true);
    const before = writes();
    for (let i = 0; i < 100; i++) {
      clock.advance(0.2); // 20 s of requests, five a second
      expect(recorder.record('ada')).toBe(false);
    }
    expect(writes()).toBe(before);
    expect(lastSeen('ada')).toBe(first);
    clock.advance(10); // a full period after the first write
    expect(recorder.record('ada')).toBe(true);
    expect(lastSeen('ada')).toBe(clock.ms);
  });

  it('writes held-back activity once its period ends, with the time it happened', () => {
    const { recorder, clock, lastSeen } = setup();
    recorder.record('ada');
    clock.advance(12);
    recorder.record('ada'); // held back
    const heldBack = clock.ms;
    clock.advance(10);
    recorder.flush(); // 22 s: not due yet
    expect(lastSeen('ada')).toBe(heldBack - 12_000);
    clock.advance(8);
    recorder.flush(); // 30 s: due
    expect(lastSeen('ada')).toBe(heldBack);
    recorder.flush();
    expect(recorder.record('ada')).toBe(false); // the trailing write counts as this period's write
  });

  it('never moves a newer stored time backwards', () => {
    const { recorder, clock, store, lastSeen } = setup();
    recorder.record('ada');
    clock.advance(5);
    recorder.record('ada'); // held back at 5 s
    const newer = clock.ms + 10_000; // as if another process wrote later activity
    store.touch('ada', newer);
    clock.advance(30);
    recorder.flush();
    expect(lastSeen('ada')).toBe(newer);
  });

  it('writes everything held back on close, due or not', () => {
    const { recorder, clock, lastSeen } = setup();
    recorder.record('ada');
    recorder.record('bob');
    clock.advance(3);
    recorder.record('ada');
    recorder.record('bob');
    recorder.close();
    expect([lastSeen('ada'), lastSeen('bob')]).toEqual([clock.ms, clock.ms]);
  });

  it('stays bounded, forgetting the oldest first', () => {
    const { recorder, writes } = setup({ maxEntries: 100 });
    for (let i = 0; i < 1000; i++) recorder.record(String(i));
    const before = writes();
    expect(recorder.record('999')).toBe(false); // the newest are remembered: throttled
    expect(recorder.record('0')).toBe(true); // the oldest were forgotten: written again
    expect(writes() - before).toBe(1);
  });

  it('bounds held-back activity too, forgetting the oldest first', () => {
    const { recorder, clock, lastSeen } = setup({ maxEntries: 2 });
    recorder.record('a');
    recorder.record('b');
    clock.advance(1);
    recorder.record('a'); // held back
    recorder.record('b'); // held back
    recorder.record('c'); // written; the throttle forgets a
    clock.advance(1);
    recorder.record('c'); // held back: three, one over the bound, so a's goes
    recorder.flush(true);
    expect([lastSeen('a'), lastSeen('b'), lastSeen('c')]).toEqual([clock.ms - 2000, clock.ms - 1000, clock.ms]);
  });

  it('skips and logs a value that is not a valid uid, writing nothing', () => {
    const { recorder, logged, writes } = setup();
    const before = writes();
    expect(recorder.record('no spaces allowed')).toBe(false);
    expect(recorder.record('')).toBe(false);
    expect(writes()).toBe(before);
    expect(logged).toEqual([
      'presence-kit: skipped activity for "no spaces allowed": a uid is 1-64 letters, digits or _ . : @ -; return ids like that from resolveUser.',
    ]);
  });

  it('never waits on a lock on the host’s connection, restores its busy timeout, and retries on the next activity', () => {
    const file = tempDbPath();
    const host = new BetterSqlite3(file.path);
    host.pragma('busy_timeout = 5000');
    const { recorder, clock, logged, lastSeen } = setup({ db: host, hostDb: host });
    const other = new BetterSqlite3(file.path);
    cleanups.push(() => {
      other.close();
      file.cleanup();
    });

    other.exec('BEGIN IMMEDIATE'); // another writer holds the lock
    const started = performance.now();
    expect(recorder.record('ada')).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000); // not the host's 5 s
    expect(host.pragma('busy_timeout', { simple: true })).toBe(5000);
    clock.advance(1);
    expect(recorder.record('ada')).toBe(false); // still locked: retried, not logged again
    other.exec('COMMIT');

    clock.advance(1);
    expect(recorder.record('ada')).toBe(true); // nothing was recorded for the failures, so it is due
    expect(lastSeen('ada')).toBe(clock.ms);
    expect(logged).toEqual([
      'presence-kit: recording activity failed (database is locked); skipping it until it works again.',
      'presence-kit: recording activity works again after 2 failures.',
    ]);
  });

  it('keeps held-back activity whose trailing write failed, and writes it on a later sweep', () => {
    const { recorder, clock, file, lastSeen } = setup();
    recorder.record('ada');
    clock.advance(5);
    recorder.record('ada');
    const heldBack = clock.ms;
    const other = new BetterSqlite3(file.path);
    other.exec('BEGIN IMMEDIATE');
    clock.advance(30);
    recorder.flush();
    other.exec('COMMIT');
    other.close();
    expect(lastSeen('ada')).toBe(heldBack - 5000);
    recorder.flush();
    expect(lastSeen('ada')).toBe(heldBack);
  });
});
