import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPresence, type Presence } from '../../packages/server/src/index.js';
import { FaultLog } from '../../packages/server/src/fault-log.js';
import { redisKeys } from '../../packages/server/src/redis/keys.js';
import { createRedis } from '../../packages/server/src/redis/connect.js';
import { RedisWrites } from '../../packages/server/src/redis/redis-writes.js';
import { defineScripts } from '../../packages/server/src/redis/scripts.js';
import { eventually, FrameReader, startRedis, type TestRedis } from '../support/index.js';

// Two nodes in one process on one redis-server, driven through `app.request`: the engine's
// own rules (hidden users, profiles, bounded memory) without the cost of spawning processes.
let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

async function node(): Promise<{ presence: Presence; app: Hono }> {
  const presence = createPresence({
    redis: redis.url,
    tickMs: 100,
    log: () => {},
    resolveUser: (c) => c.req.header('x-user') ?? null,
  });
  await presence.ready;
  const app = new Hono();
  app.use(presence.track);
  app.route('/presence', presence.app);
  app.get('/page', (c) => c.text('a page'));
  return { presence, app };
}

/** A session on `app` watching `uids`; returns its reader past the hello and the snapshot. */
async function watch(app: Hono, uids: string[]): Promise<{ reader: FrameReader; snapshot: string }> {
  const reader = new FrameReader(await app.request('/presence/stream?v=2'));
  const [, hello] = await reader.next(2);
  const sid = /"sid":"([^"]+)"/.exec(hello!)![1];
  await app.request('/presence/subscribe', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sid, add: uids }),
  });
  const [snapshot] = await reader.next(1);
  return { reader, snapshot: snapshot! };
}

describe('the Redis engine', () => {
  it('hides a user on every node when one node hides them, and shows the names set on any node', async () => {
    const a = await node();
    const b = await node();
    b.presence.upsertUser({ uid: 'grace', name: 'Grace Hopper', avatar: '/g.png' });
    const { reader } = await watch(a.app, ['grace']);
    await b.app.request('/page', { headers: { 'x-user': 'grace' } });
    expect((await reader.next(1, 3000))[0]).toMatch(/event: presence\nid: \S+\ndata: \{"t":\d+,"on":\["grace"\]\}/);
    await eventually(
      () => a.presence.roster().users[0]?.name === 'Grace Hopper',
      'the roster on node a shows the name set on node b',
    );

    b.presence.upsertUser({ uid: 'grace', name: 'Admiral Hopper', avatar: '/g.png' });
    await eventually(
      () => a.presence.roster().users[0]?.name === 'Admiral Hopper',
      'a rename while online reaches node a',
    );

    b.presence.setHidden('grace', true);
    expect((await reader.next(1, 3000))[0]).toMatch(/event: presence\nid: \S+\ndata: \{"t":\d+,"never":\["grace"\]\}/);
    const status = (await (await a.app.request('/presence/status?uids=grace')).json()) as {
      users: Record<string, unknown>;
    };
    expect(status.users.grace).toEqual({ online: false, last_seen: null });
    expect(a.presence.roster().count).toBe(0);
    expect([...(await a.presence.loadUsers(['grace'])).values()]).toMatchObject([
      { uid: 'grace', name: 'Admiral Hopper', hidden: true },
    ]);
    expect(() => a.presence.users(['grace'])).toThrow('on Redis use `await presence.loadUsers(uids)`');
    await reader.cancel();
    await Promise.all([a.presence.close(), b.presence.close()]);
  });

  it('grows nothing with activity: one member per user, a capped stream, the same few keys', async () => {
    const a = await node();
    const b = await node();
    for (let round = 0; round < 20; round++) {
      for (let u = 0; u < 10; u++) await (round % 2 ? a : b).app.request('/page', { headers: { 'x-user': `u${u}` } });
    }
    await eventually(() => a.presence.roster().count === 10, 'all ten online');
    expect(await redis.client.zcard('presence:seen')).toBe(10 + 1); // and grace, from the test before
    expect((await redis.client.keys('presence:*')).filter((key) => !key.startsWith('presence:node:')).sort()).toEqual([
      'presence:changed',
      'presence:changes',
      'presence:hidden',
      'presence:leader',
      'presence:online',
      'presence:profiles',
      'presence:seen',
      'presence:state',
    ]);
    expect(await redis.client.xlen('presence:changes')).toBeLessThanOrEqual(1100);
    await Promise.all([a.presence.close(), b.presence.close()]);
  });

  it('holds at most its bound of writes while Redis cannot take them', async () => {
    const offline = defineScripts(createRedis('redis://127.0.0.1:1'));
    const writes = new RedisWrites(offline, redisKeys('presence'), 5, new FaultLog(() => {}), Date.now, () => false);
    for (let i = 0; i < 1000; i++) writes.touch(`u${i}`, Date.now());
    for (let i = 0; i < 1000; i++) writes.setHidden(`u${i}`, true);
    await writes.flush();
    expect(writes.pending).toBeLessThanOrEqual(10);
    writes.close();
    offline.disconnect();
  });
});
