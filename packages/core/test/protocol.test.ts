import { describe, expect, it } from 'vitest';
import { compareRosterEntries, isValidUid, parseUidList, streamQuery } from '../src/index.js';

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
    for (const uid of ['7', 'alice@x', 'a.b:c-d_e', 'x'.repeat(64), '__proto__', 'constructor', 'toString']) expect(isValidUid(uid)).toBe(true);
  });
  it('refuses what no endpoint would accept: long values, markup, lists, blanks and non-strings', () => {
    for (const value of ['x'.repeat(65), '<b>', 'a,b', ' 7', '', 7, null, undefined, {}]) expect(isValidUid(value)).toBe(false);
  });
});

describe('streamQuery', () => {
  it('makes equal URLs for equal sets', () => {
    expect(streamQuery(['9', '10', '2'], true)).toBe('uids=10,2,9&roster=1');
    expect(streamQuery(new Set(['2', '10', '9']), true)).toBe(streamQuery(['9', '10', '2'], true));
    expect(streamQuery([], true)).toBe('roster=1');
  });
});

describe('compareRosterEntries', () => {
  it('orders by name, case-insensitively, then uid', () => {
    const entry = (uid: string, name: string) => ({ uid, name, avatar: null, last_seen: 0 });
    const sorted = [entry('3', 'bob'), entry('2', 'Alice'), entry('1', 'alice'), entry('4', 'Carol')].sort(compareRosterEntries);
    expect(sorted.map((e) => e.uid)).toEqual(['1', '2', '3', '4']);
  });

  it('gives the order localeCompare gives (base sensitivity: accents and case ignored), then uid', () => {
    const names = ['Émile', 'emile', 'Zoë', 'zoe', 'Ångström', 'angstrom', 'bob', 'Bob', 'Çelik', 'celik', 'Ada', 'ada lovelace', ''];
    const entries = names.flatMap((name, i) => [String(i), `x${i}`].map((uid) => ({ uid, name, avatar: null, last_seen: 0 })));
    const byLocaleCompare = (a: (typeof entries)[number], b: (typeof entries)[number]) =>
      a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
    expect([...entries].reverse().sort(compareRosterEntries)).toEqual([...entries].sort(byLocaleCompare));
  });
});
