/**
 * Every benchmark scenario at a tiny size, so the scripts cannot rot. Only counts and
 * correctness are asserted here — never a time (speed is what `npm run bench` prints).
 */
import { describe, expect, it } from 'vitest';
import { runConnections } from '../bench/1-connections.js';
import { runFanout } from '../bench/2-fanout.js';
import { runTick } from '../bench/3-tick.js';
import { runMiddleware } from '../bench/4-middleware.js';
import { runMessages } from '../bench/5-messages.js';
import { runClient } from '../bench/6-client.js';
import { runCluster } from '../bench/7-cluster.js';

describe('benchmark scenarios at smoke size', () => {
  it('1: both servers hold every idle stream they were given', async () => {
    const { rows, markdown } = await runConnections({ counts: [20], clientProcesses: 2, uidsPerStream: 3, warmup: 4 });
    expect(rows.map((r) => [r.server, r.connections])).toEqual([
      ['bare', 20],
      ['presence', 20],
    ]);
    expect(markdown).toContain('| 20 |');
  }, 60_000);

  it('2: every stream gets exactly one frame per transition, in both watch shapes', async () => {
    const { rows } = await runFanout({ connections: 12, clientProcesses: 2, rounds: 1, settleMs: 1300 });
    expect(rows).toHaveLength(6);
    for (const row of rows) expect(row.delivered, `${row.shape} / ${row.transition}`).toBe(row.expected);
    expect(rows.every((r) => r.expected === 12 || r.expected === 24)).toBe(true);
  }, 90_000);

  it('3: a tick reads exactly the online users, through the last_seen index', async () => {
    const { rows } = await runTick({ users: [2000], onlineFractions: [0.01, 0.1], repeats: 3 });
    expect(rows.map((r) => r.online)).toEqual([20, 200]);
    for (const row of rows) expect(row.plan).toContain('presence_users_last_seen');
  }, 60_000);

  it('4: the middleware writes each user at most once per write window, and every write reaches SQLite', async () => {
    const { result } = await runMiddleware({ users: 40, seconds: 1, rounds: 1, connections: 4, writeSeconds: 1 });
    expect(result.violations).toBe(0);
    expect(result.usersWritten).toBe(40);
    expect(result.usersStored).toBe(40);
    expect(result.maxWritesPerUser).toBeLessThanOrEqual(Math.ceil(result.windowsElapsed) + 1);
    expect(result.bare.every((r) => r.non2xx === 0 && r.errors === 0)).toBe(true);
  }, 60_000);

  it('5: replaying one trace, presence-kit pages miss nothing, never flicker and get nothing while idle', async () => {
    const { rows } = await runMessages({ users: 60, durationMs: 180_000, watchesPerPage: 5, seed: 1 });
    const kit = rows.filter((r) => r.system === 'presence-kit');
    const peer = rows.filter((r) => r.system !== 'presence-kit');
    expect(kit.map((r) => r.mode)).toEqual(['multi-page', 'single-page']);
    for (const r of kit) {
      expect([r.flicker, r.missedSamples, r.framesToIdlePages, r.uselessUpdates, r.onlineWhileIdleSamples]).toEqual([0, 0, 0, 0, 0]);
      expect(r.samples).toBeGreaterThan(0);
    }
    // Same trace, same pages: both systems served the same page views.
    expect(kit.map((r) => r.pages)).toEqual(peer.map((r) => r.pages));
  }, 60_000);

  // The elements still speak protocol 1 until their client is ported to the session protocol (issue 11):
  // against this server their page gets 400 protocol_mismatch. Re-enable with that port.
  it.skip('6: a page of dots opens exactly one stream and shows every dot and a change', async () => {
    const { result } = await runClient({ dots: 20, changes: 1 });
    expect(result.eventSources).toBe(1);
    expect(result.streamRequests).toBe(1);
    expect(result.changeToPaintedMs).toHaveLength(1);
  }, 60_000);

  it('7: three nodes on Redis and one on SQLite deliver every cross-node frame, with Redis ops per tick the same for few and many streams', async () => {
    const { rows } = await runCluster({ streams: 12, fewStreams: 3, rounds: 2, idleSeconds: 2 });
    expect(rows.map((r) => [r.setup, r.delivered, r.expected])).toEqual([
      ['1 node, SQLite', 24, 24],
      ['3 nodes + Redis', 8, 8],
    ]);
    const ticks = rows[1]!.opsPerTick!;
    expect(ticks.many).toBeGreaterThan(0);
    // Counted over 2 s, an XREAD that happens to return within the sample may add one.
    expect(Math.abs(ticks.many - ticks.few)).toBeLessThanOrEqual(1);
  }, 90_000);
});
