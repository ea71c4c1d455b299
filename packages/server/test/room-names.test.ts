import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoomResponse } from '@presence-kit/core';
import { createTestApp, type TestApp } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

// Room names as sites write them: ids of documents (UUIDs), channels, and names the rule
// refuses. Every route that takes a room answers a bad one the same way: 400, one sentence
// naming the room and the rule.

let host: TestApp;
afterEach(() => host.close());

const post = (path: string, body: unknown, as: string) =>
  host.app.request(`/presence/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test-user': as },
    body: JSON.stringify(body),
  });
const message = async (response: Response) => ((await response.json()) as { error: { message: string } }).error.message;

describe('room names', () => {
  it('UUID rooms and uids, and names at the rule’s edges, round-trip through entering, typing and GET /rooms/:room', async () => {
    host = createTestApp();
    const ada = randomUUID();
    const names = [`doc:${randomUUID()}`, 'org:acme:channel:general', 'team@acme.example', 'x'.repeat(64)];
    const session = await host.session(ada);
    for (const name of names) {
      expect((await session.subscribe({ rooms: { [name]: { max: 5 } } } as never)).status).toBe(200);
    }
    internalsOf(host.presence).rooms.tick();
    for (const name of names) {
      expect((await post('room-typing', { room: name, typing: true }, ada)).status).toBe(200);
      const answer = await host.app.request(`/presence/rooms/${encodeURIComponent(name)}`);
      expect(answer.status).toBe(200);
      const body = (await answer.json()) as RoomResponse;
      expect([body.room, body.count, body.users.map((user) => user.uid)]).toEqual([name, 1, [ada]]);
    }
  });

  it('refuses a path, unicode, a space, 200 characters or nothing with the same 400 on every route', async () => {
    host = createTestApp();
    const session = await host.session('ada');
    const long = `doc:${'a'.repeat(196)}`;
    for (const [name, shown] of [
      ['org/acme/channel/general', 'org/acme/channel/general'],
      ['café', 'café'],
      ['my room', 'my room'],
      [long, `${long.slice(0, 40)}…`],
      ['', ''],
    ]) {
      const expected = `"${shown}" is not a valid room name: use 1-128 letters, digits or _ . : @ -, like "doc:42".`;
      const entering = await session.subscribe({ rooms: { [name!]: {} } } as never);
      const typing = await post('room-typing', { room: name, typing: true }, 'ada');
      const state = await post('room-state', { room: name, state: { color: 'red' } }, 'ada');
      const answers = [entering, typing, state];
      // As a page would ask, and as a hand-written link would, its slashes left as they are.
      if (name !== '') answers.push(await host.app.request(`/presence/rooms/${encodeURIComponent(name!)}`));
      if (name!.includes('/')) answers.push(await host.app.request(`/presence/rooms/${name}`));
      for (const answer of answers) {
        expect(answer.status).toBe(400);
        expect(await message(answer)).toBe(expected);
      }
    }
    expect(await session.reader.rest()).toEqual([]);
  });
});
