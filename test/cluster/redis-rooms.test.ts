import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPresence } from '../../packages/server/src/index.js';
import { FrameReader, startRedis, type TestRedis } from '../support/index.js';

// Rooms are not on the Redis engine yet: asking for one says so clearly, and changes nothing.
let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

describe('rooms on the Redis engine', () => {
  it('answer 501 not_supported on every room route, naming the engine that has them', async () => {
    const presence = createPresence({ redis: redis.url, log: () => {}, resolveUser: () => 'ada' });
    await presence.ready;
    const app = new Hono().route('/presence', presence.app);
    const reader = new FrameReader(await app.request('/presence/stream?v=2'));
    const [, hello] = await reader.next(2);
    const sid = /"sid":"([^"]+)"/.exec(hello!)![1];
    const answer = await app.request('/presence/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sid, rooms: { 'doc:42': {} } }),
    });
    expect(answer.status).toBe(501);
    expect(await answer.json()).toEqual({
      error: {
        code: 'not_supported',
        message: 'Rooms are not available on the Redis engine yet; run presence on SQLite to use rooms.',
      },
    });
    expect(await reader.rest()).toEqual([]);
    expect((await app.request('/presence/rooms/doc:42')).status).toBe(501);
    const state = await app.request('/presence/room-state', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ room: 'doc:42', state: {} }),
    });
    expect(state.status).toBe(501);
    expect(() => presence.roomMembers('doc:42')).toThrow(/not available on the Redis engine yet/);
    await reader.cancel();
    await presence.close();
  });
});
