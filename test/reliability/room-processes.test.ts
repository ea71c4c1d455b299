import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { HelloFrame, RoomFrame, RoomView } from '@presence-kit/core';
import { applyRoomFrame } from '@presence-kit/core';
import { FrameReader, eventually, spawnServer, tempDbPath } from '../support/index.js';

// Two standalone server processes on one SQLite file, each holding one person's page in doc 42:
// both people see both, and a page that closes on one process is seen leaving on the other.

const children: ChildProcess[] = [];
const readers: FrameReader[] = [];
afterEach(() => {
  for (const reader of readers.splice(0)) void reader.cancel();
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

async function enter(url: string, user: string) {
  const headers = { 'x-forwarded-user': user };
  const reader = new FrameReader(await fetch(`${url}/presence/stream?v=2`, { headers }));
  readers.push(reader);
  const [, hello] = await reader.next(2, 5000);
  const { sid } = JSON.parse(/^data: (.*)$/m.exec(hello!)![1]!) as HelloFrame;
  const answer = await fetch(`${url}/presence/subscribe`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ sid, rooms: { 'doc:42': {} } }),
  });
  expect(answer.status).toBe(200);
  let view: RoomView | null = null;
  /** The room as this page holds it now. */
  const members = async () => {
    for (const frame of await reader.rest())
      if (frame.startsWith('event: room'))
        view = applyRoomFrame(view, JSON.parse(/^data: (.*)$/m.exec(frame)![1]!) as RoomFrame);
    return view?.members.map((member) => member.uid) ?? [];
  };
  return { reader, members };
}

describe('rooms across server processes on one SQLite file', () => {
  it('show each process the members of the other, and a leave after the grace', async () => {
    const file = tempDbPath();
    const env = { PRESENCE_ROOM_GRACE_SECONDS: '1' };
    const [a, b] = await Promise.all([spawnServer(file.path, env), spawnServer(file.path, env)]);
    children.push(a.child, b.child);
    const bea = await enter(a.url, 'bea');
    const ada = await enter(b.url, 'ada');
    await eventually(
      async () => (await bea.members()).join() === 'ada,bea',
      'Bea sees Ada, who is on the other process',
    );
    await eventually(async () => (await ada.members()).join() === 'ada,bea', 'and Ada sees Bea');
    const json = (await (await fetch(`${a.url}/presence/rooms/doc:42`)).json()) as { count: number };
    expect(json.count).toBe(2);

    await ada.reader.cancel();
    await eventually(async () => (await bea.members()).join() === 'bea', 'Ada leaves once her grace is over', 8000);
    file.cleanup();
  }, 30_000);
});
