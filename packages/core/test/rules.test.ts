import { describe, expect, it } from 'vitest';
import {
  candidateCutoff,
  defaultWriteSeconds,
  isOnline,
  liveStateAt,
  liveStateEndsAt,
  offlineAt,
  shouldWrite,
  staysOnline,
} from '../src/index.js';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const ago = (seconds: number) => NOW - seconds * 1000;
const window = { timeoutSeconds: 60, marginSeconds: 20 };

describe('isOnline: quick on', () => {
  it('is online strictly inside the window and offline at its edge', () => {
    expect(isOnline(ago(0), NOW)).toBe(true);
    expect(isOnline(ago(59.999), NOW)).toBe(true);
    expect(isOnline(ago(60), NOW)).toBe(false);
  });
  it('is offline when never seen', () => {
    expect(isOnline(null, NOW)).toBe(false);
    expect(isOnline(undefined, NOW)).toBe(false);
    expect(isOnline(Number.NaN, NOW)).toBe(false);
  });
  it('treats a timestamp from a clock that runs ahead as just now', () => {
    expect(isOnline(NOW + 5 * 60_000, NOW)).toBe(true);
  });
  it('uses the configured window', () => {
    expect(isOnline(ago(100), NOW, 120)).toBe(true);
    expect(isOnline(ago(100), NOW, 90)).toBe(false);
  });
});

describe('staysOnline: slow off', () => {
  it('keeps someone already online through the margin, and drops them at its end', () => {
    expect(staysOnline(true, ago(60), NOW, window)).toBe(true);
    expect(staysOnline(true, ago(79.999), NOW, window)).toBe(true);
    expect(staysOnline(true, ago(80), NOW, window)).toBe(false);
  });
  it('does not bring someone online inside the margin', () => {
    expect(staysOnline(false, ago(59), NOW, window)).toBe(true);
    expect(staysOnline(false, ago(61), NOW, window)).toBe(false);
  });
  it('reads only users who could still be online', () => {
    expect(candidateCutoff(NOW, window)).toBe(ago(80));
  });
});

describe('write throttle', () => {
  it('defaults to half the window', () => {
    expect(defaultWriteSeconds(60)).toBe(30);
  });
  it('writes the first time, then once per period', () => {
    expect(shouldWrite(undefined, NOW, 30)).toBe(true);
    expect(shouldWrite(ago(29.999), NOW, 30)).toBe(false);
    expect(shouldWrite(ago(30), NOW, 30)).toBe(true);
  });
  it('writes again when the clock went backwards', () => {
    expect(shouldWrite(NOW + 60_000, NOW, 30)).toBe(true);
  });
});

describe('offlineAt: when a status changes by itself', () => {
  it('is the window after the last activity, plus the margin for someone shown online', () => {
    expect(offlineAt(false, ago(10), window)).toBe(ago(10) + 60_000);
    expect(offlineAt(true, ago(10), window)).toBe(ago(10) + 80_000);
  });
  it('is already past for someone never seen', () => {
    expect(offlineAt(true, null, window)).toBe(-Infinity);
    expect(offlineAt(false, Number.NaN, window)).toBe(-Infinity);
  });
  it('with a margin of 0, slow off is quick off', () => {
    expect(offlineAt(true, ago(10), { timeoutSeconds: 60, marginSeconds: 0 })).toBe(ago(10) + 60_000);
  });
  it('is the edge both rules use', () => {
    for (const wasOnline of [false, true]) {
      const edge = offlineAt(wasOnline, ago(0), window);
      expect(staysOnline(wasOnline, ago(0), edge - 1, window)).toBe(true);
      expect(staysOnline(wasOnline, ago(0), edge, window)).toBe(false);
    }
  });
});

describe('liveStateAt: open pages, leaving and idle', () => {
  // Window 60 s + margin 20 s, idle after 300 s; times in ms from 0.
  const w = { timeoutSeconds: 60, marginSeconds: 20 };
  const s = (seconds: number) => seconds * 1000;
  const open = (lastSeen: number) => ({ lastSeen: s(lastSeen), pagesUntil: s(10_000) });

  it('with idle off and no pages is the window rule', () => {
    const facts = { lastSeen: 0, pagesUntil: null };
    expect(liveStateAt('offline', facts, s(59), w)).toBe('online');
    expect(liveStateAt('offline', facts, s(60), w)).toBe('offline');
    expect(liveStateAt('online', facts, s(79), w)).toBe('online');
    expect(liveStateAt('online', facts, s(80), w)).toBe('offline');
    expect(liveStateEndsAt('online', facts, w)).toBe(offlineAt(true, 0, w));
  });

  it('ends a presence at the last page closing plus the margin, not after the window', () => {
    const left = { lastSeen: 0, pagesUntil: s(5) };
    expect(liveStateAt('online', left, s(24), w)).toBe('online');
    expect(liveStateAt('online', left, s(25), w)).toBe('offline');
    expect(liveStateEndsAt('online', left, w)).toBe(s(25));
    // Not shown yet: quick on stops at the closing itself.
    expect(liveStateAt('offline', left, s(6), w)).toBe('offline');
    // Activity after the page closed (a plain request): the window rule again.
    expect(liveStateAt('online', { lastSeen: s(10), pagesUntil: s(5) }, s(50), w)).toBe('online');
  });

  it('with idle off, an open page never keeps anyone past their window', () => {
    expect(liveStateAt('online', open(0), s(79), w)).toBe('online');
    expect(liveStateAt('online', open(0), s(80), w)).toBe('offline');
  });

  it('with idle on, an open page keeps them present: online, then idle after idleSeconds plus the margin', () => {
    expect(liveStateAt('online', open(0), s(319), w, 300)).toBe('online');
    expect(liveStateAt('online', open(0), s(320), w, 300)).toBe('idle');
    expect(liveStateEndsAt('online', open(0), w, 300)).toBe(s(320));
    // Quick on: someone not shown online is idle from idleSeconds.
    expect(liveStateAt('offline', open(0), s(300), w, 300)).toBe('idle');
    expect(liveStateAt('idle', open(0), s(9_000), w, 300)).toBe('idle');
    expect(liveStateEndsAt('idle', open(0), w, 300)).toBe(s(10_020));
    // Back online at their next activity.
    expect(liveStateAt('idle', open(9_000), s(9_000), w, 300)).toBe('online');
  });

  it('with idle on, the window wins when it is longer than idleSeconds', () => {
    expect(liveStateAt('online', open(0), s(79), w, 5)).toBe('online');
    expect(liveStateAt('online', open(0), s(80), w, 5)).toBe('idle');
  });

  it('with idle on, leaves an idle person only after no page for the margin', () => {
    const left = { lastSeen: 0, pagesUntil: s(1_000) };
    expect(liveStateAt('idle', left, s(1_019), w, 300)).toBe('idle');
    expect(liveStateAt('idle', left, s(1_020), w, 300)).toBe('offline');
  });

  it('only pages make anyone idle: without one, idle on is the window rule', () => {
    const facts = { lastSeen: 0, pagesUntil: null };
    expect(liveStateAt('online', facts, s(79), w, 5)).toBe('online');
    expect(liveStateAt('online', facts, s(80), w, 5)).toBe('offline');
  });

  it('is offline for someone never seen, page or not', () => {
    expect(liveStateAt('offline', { lastSeen: null, pagesUntil: s(100) }, 0, w, 300)).toBe('offline');
  });
});
