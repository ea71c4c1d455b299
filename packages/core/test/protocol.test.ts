import { describe, expect, it } from 'vitest';
import {
  applyRosterFrame,
  compareRosterEntries,
  decodeRosterEntry,
  decodeStatuses,
  encodeRosterEntry,
  encodeStatuses,
  formatPosition,
  isValidUid,
  liveStateOf,
  parsePosition,
  parseUidList,
} from '../src/index.js';

describe('parseUidList', () => {
  it('accepts comma-separated text and arrays, deduplicating in order', () => {
    expect(parseUidList('7, 3,7,alice@x', 10)).toEqual({ ok: true, uids: ['7', '3', 'alice@x'] });
    expect(parseUidList([1, '2', 1], 10)).toEqual({ ok: true, uids: ['1', '2'] });
    expect(parseUidList(null, 10)).toEqual({ ok: true, uids: [] });
  });
  it('names the bad uid', () => {
    const result = parseUidList('1,<script>', 10);
    expect(result).toMatchObject({ ok: false, code: 'invalid_uid' });
    expect(!result.ok && result.message).toContain('<script>');
    expect(parseUidList('1,,2', 10)).toMatchObject({ ok: false, code: 'invalid_uid' });
    expect(parseUidList([{}], 10)).toMatchObject({ ok: false, code: 'invalid_uid' });
    expect(parseUidList(['x'.repeat(65)], 10)).toMatchObject({ ok: false, code: 'invalid_uid' });
  });
  it('refuses more uids than allowed before looking at them', () => {
    expect(parseUidList('1,2,3', 2)).toMatchObject({ ok: false, code: 'too_many_uids' });
  });
});

describe('isValidUid', () => {
  it('accepts short opaque ids, odd-but-valid names included', () => {
    for (const uid of ['7', 'alice@x', 'a.b:c-d_e', 'x'.repeat(64), '__proto__', 'constructor', 'toString'])
      expect(isValidUid(uid)).toBe(true);
  });
  it('refuses what no endpoint would accept: long values, markup, lists, blanks and non-strings', () => {
    for (const value of ['x'.repeat(65), '<b>', 'a,b', ' 7', '', 7, null, undefined, {}])
      expect(isValidUid(value)).toBe(false);
  });
});

describe('compareRosterEntries', () => {
  it('orders by name, case- and accent-insensitively, then uid', () => {
    const entry = (uid: string, name: string) => ({ uid, name, avatar: null, last_seen: 0 });
    const sorted = [
      entry('3', 'bob'),
      entry('2', 'Alice'),
      entry('1', 'álice'),
      entry('4', 'Carol'),
      entry('5', 'Émile'),
    ].sort(compareRosterEntries);
    expect(sorted.map((e) => e.uid)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('orders every name exactly as the collator does, ASCII (its fast path) or not', () => {
    const collator = new Intl.Collator('en', { sensitivity: 'base' });
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
    const alphabets = [ascii, 'aAbB -_.zZ09', `${ascii}éÉàß\u0301\t\u00a0漢`];
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const name = (alphabet: string) =>
      Array.from({ length: Math.floor(random() * 6) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    let compared = 0;
    for (const alphabet of alphabets) {
      for (let i = 0; i < 20_000; i++) {
        const [a, b] = [name(alphabet), name(alphabet)];
        const order = compareRosterEntries(
          { uid: '1', name: a, avatar: null, last_seen: 0 },
          { uid: '1', name: b, avatar: null, last_seen: 0 },
        );
        if (order !== collator.compare(a, b)) expect({ a, b, order }).toEqual({ a, b, order: collator.compare(a, b) });
        compared++;
      }
    }
    expect(compared).toBe(60_000);
  });
});

describe('compact statuses', () => {
  const t = 1_795_436_103_976;
  it('lists online uids, offline ones as whole seconds before t, and the never seen, leaving out what is empty', () => {
    const frame = encodeStatuses(t, [
      ['7', { online: true, last_seen: t - 5000 }],
      ['3', { online: false, last_seen: t - 3_600_400 }],
      ['5', { online: false, last_seen: null }],
    ]);
    expect(JSON.stringify(frame)).toBe(`{"t":${t},"on":["7"],"off":{"3":3600},"never":["5"]}`);
    expect(JSON.stringify(encodeStatuses(t, []))).toBe(`{"t":${t}}`);
  });
  it('decodes to { online, last_seen }: an online uid as seen at t, and odd uids as own keys', () => {
    const users = decodeStatuses(
      JSON.parse(`{"t":${t},"on":["__proto__"],"off":{"constructor":80},"never":["toString"]}`),
    );
    expect(Object.entries(users)).toEqual([
      ['__proto__', { online: true, last_seen: t }],
      ['constructor', { online: false, last_seen: t - 80_000 }],
      ['toString', { online: false, last_seen: null }],
    ]);
  });
  it('carries idle people (present, no interaction) apart, with their real last activity', () => {
    const frame = encodeStatuses(t, [
      ['7', { online: true, last_seen: t - 5000 }],
      ['8', { online: true, idle: true, last_seen: t - 720_000 }],
    ]);
    expect(JSON.stringify(frame)).toBe(`{"t":${t},"on":["7"],"idle":{"8":720}}`);
    expect(decodeStatuses(frame)['8']).toEqual({ online: true, idle: true, last_seen: t - 720_000 });
    expect([
      liveStateOf({ online: true, idle: true }),
      liveStateOf({ online: true }),
      liveStateOf({ online: false }),
    ]).toEqual(['idle', 'online', 'offline']);
  });
});

describe('roster tuples and windows', () => {
  const t = 1_000_000;
  it('round-trips an entry through its tuple, to the second', () => {
    const entry = { uid: '7', name: 'Ada', avatar: '/a.png', last_seen: t - 12_345 };
    expect(encodeRosterEntry(entry, t)).toEqual(['7', 'Ada', '/a.png', 12]);
    expect(decodeRosterEntry(encodeRosterEntry(entry, t), t)).toEqual({ ...entry, last_seen: t - 12_000 });
    const idle = { ...entry, last_seen: t - 12_000, idle: true as const };
    expect(encodeRosterEntry(idle, t)).toEqual(['7', 'Ada', '/a.png', 12, 1]);
    expect(decodeRosterEntry(encodeRosterEntry(idle, t), t)).toEqual(idle);
  });
  it('replaces the entry of someone already in the window when a delta joins them again (online ↔ idle)', () => {
    const window = applyRosterFrame([], { t, count: 1, users: [['1', 'Ada', null, 0]] });
    const idle = applyRosterFrame(window.users, { t, count: 1, join: [['1', 'Ada', null, 300, 1]] });
    expect(idle.users).toEqual([{ uid: '1', name: 'Ada', avatar: null, last_seen: t - 300_000, idle: true }]);
    expect(applyRosterFrame(idle.users, { t, count: 1, join: [['1', 'Ada', null, 0]] }).users).toEqual(window.users);
  });
  it('applies a window, then deltas in roster order', () => {
    const window = applyRosterFrame([], {
      t,
      count: 5,
      users: [
        ['2', 'bea', null, 0],
        ['3', 'cid', null, 0],
      ],
    });
    const next = applyRosterFrame(window.users, { t, count: 5, join: [['1', 'Ada', null, 1]], leave: ['3'] });
    expect(next).toEqual({
      count: 5,
      users: [
        { uid: '1', name: 'Ada', avatar: null, last_seen: t - 1000 },
        { uid: '2', name: 'bea', avatar: null, last_seen: t },
      ],
    });
  });
});

describe('stream positions', () => {
  it('are `epoch:seq`, and anything else is not one', () => {
    expect(formatPosition({ epoch: 'k2x9', seq: 41 })).toBe('k2x9:41');
    expect(parsePosition('k2x9:41')).toEqual({ epoch: 'k2x9', seq: 41 });
    for (const text of ['41', 'k2x9:', ':4', 'a b:1', 'k:1.5', 'k:-1', 7, null]) expect(parsePosition(text)).toBeNull();
  });

  it('gives the order localeCompare gives (base sensitivity: accents and case ignored), then uid', () => {
    const names = [
      'Émile',
      'emile',
      'Zoë',
      'zoe',
      'Ångström',
      'angstrom',
      'bob',
      'Bob',
      'Çelik',
      'celik',
      'Ada',
      'ada lovelace',
      '',
    ];
    const entries = names.flatMap((name, i) =>
      [String(i), `x${i}`].map((uid) => ({ uid, name, avatar: null, last_seen: 0 })),
    );
    const byLocaleCompare = (a: (typeof entries)[number], b: (typeof entries)[number]) =>
      a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
    expect([...entries].reverse().sort(compareRosterEntries)).toEqual([...entries].sort(byLocaleCompare));
  });
});
