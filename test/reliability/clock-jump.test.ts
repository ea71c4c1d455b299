import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settle, startServer, StreamRecorder, type TestServer } from '../support/index.js';
import { internalsOf } from '../../packages/server/src/internals.js';

const USERS = Array.from({ length: 20 }, (_, i) => `u${i}`);
let server: TestServer;
let stream: StreamRecorder;

async function tick(): Promise<void> {
  internalsOf(server.presence).relay.tick();
  await settle(50);
}
const flips = () => stream.of('presence').flatMap((f) => Object.entries(f.users!));

beforeEach(async () => {
  server = await startServer();
  for (const uid of USERS) await server.visit(uid);
  await tick();
  stream = new StreamRecorder(`${server.url}/presence`, { uids: USERS, roster: {} });
  await stream.waitFor(2);
  expect(stream.frames[1]!.data.count).toBe(20);
});
afterEach(async () => {
  stream.close();
  await server.close();
});

describe('a system clock that jumps', () => {
  it('forward by 5 minutes does not flip everyone offline; idle users leave on their own time', async () => {
    server.clock.jump(300);
    await tick();
    expect(stream.frames.map((f) => f.event)).toEqual(['snapshot', 'roster']);

    // Half keep browsing (their writes carry the new clock), half go idle.
    const browsing = USERS.slice(0, 10);
    for (let second = 0; second < 85; second += 5) {
      server.clock.advance(5);
      for (const uid of browsing) await server.visit(uid);
      await tick();
    }
    const offline = flips()
      .filter(([, s]) => !s.online)
      .map(([uid]) => uid);
    expect(offline.sort()).toEqual(USERS.slice(10).sort());
    expect(flips().filter(([, s]) => s.online)).toEqual([]);
  });

  it('back by 5 minutes does not bring people who left back online, nor hold active ones', async () => {
    // Everyone leaves, then the clock is set back to when they were all still here.
    server.clock.advance(81);
    await tick();
    expect(flips()).toHaveLength(20);
    server.clock.jump(-300);
    for (let i = 0; i < 10; i++) {
      server.clock.advance(1);
      await tick();
    }
    expect(flips()).toHaveLength(20); // nobody flipped back online

    // Someone active after the jump shows up at once, and leaves after window + margin.
    await server.visit('u3');
    await tick();
    expect(flips().at(-1)).toEqual(['u3', expect.objectContaining({ online: true })]);
    server.clock.advance(79);
    await tick();
    expect(flips()).toHaveLength(21);
    server.clock.advance(1);
    await tick();
    expect(flips().at(-1)).toEqual(['u3', expect.objectContaining({ online: false })]);
  });
});
