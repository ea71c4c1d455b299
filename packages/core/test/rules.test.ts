import { describe, expect, it } from 'vitest';
import { candidateCutoff, defaultWriteSeconds, isOnline, offlineAt, shouldWrite, staysOnline } from '../src/index.js';

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
