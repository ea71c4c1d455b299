import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRoomFrame, type HelloFrame, type RoomFrame, type RoomView } from '@presence-kit/core';
import { FrameReader, eventually, startServer, type TestServer } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

// Ably's docs warn that 200 members entering within a minute make 80,400 messages. Here
// 1,000 viewers enter one room over 10 s (100 per tick) on real streams: each receives its
// window when it enters and then at most one frame per tick, whatever the number of joins.

const VIEWERS = 1000;
const TICKS = 10;
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ maxStreamsPerClient: VIEWERS + 10, maxStreams: VIEWERS + 10 });
});
afterAll(() => server.close());

const uid = (i: number) => `u${String(i).padStart(4, '0')}`;
const dataOf = (frame: string) => JSON.parse(/^data: (.*)$/m.exec(frame)![1]!) as unknown;

describe('1,000 viewers entering one room within 10 s', () => {
  it('each receives at most one room frame per tick, and ends with the first 12 and the count', async () => {
    const readers: FrameReader[] = [];
    for (let tick = 0; tick < TICKS; tick += 1) {
      const batch = Array.from({ length: VIEWERS / TICKS }, (_, k) => tick * (VIEWERS / TICKS) + k);
      await Promise.all(
        batch.map(async (i) => {
          const headers = { 'x-test-user': uid(i) };
          const reader = new FrameReader(await fetch(`${server.url}/presence/stream?v=2`, { headers }));
          const [, hello] = await reader.next(2, 10_000);
          const { sid } = dataOf(hello!) as HelloFrame;
          const answer = await fetch(`${server.url}/presence/subscribe`, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify({ sid, rooms: { 'doc:42': { max: 12 } } }),
          });
          expect(answer.status).toBe(200);
          readers[i] = reader;
        }),
      );
      server.clock.advance(1);
      internalsOf(server.presence).rooms.tick();
    }
    // Generous waits: 1,000 real sockets on a loaded 2-core machine; the counts are what is checked.
    await eventually(() => server.presence.roomMembers('doc:42').count === VIEWERS, 'everyone is in', 20_000);

    // Read until every stream has the last tick's frame (they cross real sockets).
    const frames: RoomFrame[][] = readers.map(() => []);
    const caughtUp = async () => {
      for (const [i, reader] of readers.entries())
        frames[i]!.push(...((await reader.rest()).map(dataOf) as RoomFrame[]));
      return frames.every((received) => received.at(-1)?.count === VIEWERS);
    };
    await eventually(caughtUp, 'every viewer has the last tick', 20_000);
    for (const [i, received] of frames.entries()) {
      const [window, ...deltas] = received;
      expect(window && 'users' in window, `viewer ${i} starts with its window`).toBe(true);
      // One frame per tick at most: every delta a viewer got carries a different tick's time.
      const times = deltas.map((frame) => frame.t);
      expect(new Set(times).size, `viewer ${i} got two frames in one tick`).toBe(times.length);
      expect(deltas.every((frame) => !('users' in frame))).toBe(true);
      expect(deltas.length).toBeLessThanOrEqual(TICKS);
      const view = received.reduce<RoomView | null>((room, frame) => applyRoomFrame(room, frame), null)!;
      expect(view.count).toBe(VIEWERS);
      expect(view.members.map((member) => member.uid)).toEqual(Array.from({ length: 12 }, (_, k) => uid(k)));
    }
    const total = frames.reduce((sum, received) => sum + received.length, 0);
    // The naive broadcast (every join to every member already in) would be ~500,000 messages.
    expect(total).toBeLessThanOrEqual(VIEWERS * (TICKS + 1));
    await Promise.all(readers.map((reader) => reader.cancel()));
  }, 60_000);
});
