import { describe, expect, it } from 'vitest';
import { applyRoomFrame, hereLabel, isValidRoom, roomStateBytes, typingLabel } from '../src/index.js';

describe('rooms in core', () => {
  it('names who is typing, and how many are here', () => {
    expect(typingLabel([])).toBe('');
    expect(typingLabel(['Alice'])).toBe('Alice is typing…');
    expect(typingLabel(['Alice', 'Bob'])).toBe('Alice and Bob are typing…');
    expect(typingLabel(['Alice', 'Bob', 'Cy'])).toBe('3 people are typing…');
    expect([hereLabel(0), hereLabel(1), hereLabel(3)]).toEqual(['0 people here', '1 person here', '3 people here']);
  });

  it('validates room names like uids, and counts a state in UTF-8 bytes', () => {
    const uuid = '3f2a9c1e-7b4d-4e8f-9a01-2b3c4d5e6f70';
    expect(['doc:42', 'chat_room:7', `org:${uuid}:doc:${uuid}`, 'a'.repeat(128)].every(isValidRoom)).toBe(true);
    expect(['', 'doc 42', 'a'.repeat(129), 42, null, 'doc/42'].some(isValidRoom)).toBe(false);
    expect(roomStateBytes({ c: 'é' })).toBe(10);
    expect(roomStateBytes({ c: '😀' })).toBe(12);
    expect(roomStateBytes(null)).toBe(4);
  });

  it('applies a window, then deltas: joins in roster order (idempotent), leaves, state and typing', () => {
    const t = 1_000_000;
    let view = applyRoomFrame(null, {
      t,
      room: 'doc:1',
      count: 2,
      users: [
        ['b', 'Bea', null, 3],
        ['constructor', 'Cy', null, 0],
      ],
      state: { b: { color: 'red' } },
      typing: { constructor: 2 },
      me: 'b',
    });
    expect(view.members.map((m) => [m.uid, m.state, m.last_seen])).toEqual([
      ['b', { color: 'red' }, t - 3000],
      ['constructor', null, t],
    ]);
    expect([...view.typing]).toEqual([['constructor', t + 2000]]);
    expect(view.me).toBe('b');

    view = applyRoomFrame(view, {
      t: t + 1000,
      room: 'doc:1',
      count: 3,
      join: [
        ['a', 'Ada', null, 0],
        ['b', 'Bea', null, 4],
      ],
      leave: ['constructor'],
      state: { b: null, a: { color: 'teal' } },
      typing: { a: 5 },
    });
    expect(view.members.map((m) => [m.uid, m.state])).toEqual([
      ['a', { color: 'teal' }],
      ['b', null],
    ]);
    expect([...view.typing]).toEqual([['a', t + 6000]]);
    expect(view.count).toBe(3);
    expect(view.me).toBe('b');

    view = applyRoomFrame(view, { t: t + 2000, room: 'doc:1', count: 3, typing: { a: 0 } });
    expect(view.typing.size).toBe(0);
  });
});
