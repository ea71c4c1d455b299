import { describe, expect, it } from 'vitest';
import {
  clockOffset,
  exactTime,
  msUntilLabelChanges,
  parseTimestamp,
  presenceLabel,
  presenceState,
  presenceTitle,
  relativeTime,
} from '../src/index.js';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const seen = (msAgo: number) => ({ online: false, lastSeen: NOW - msAgo });

describe('presenceLabel', () => {
  it('says online, whatever the timestamp', () => {
    expect(presenceLabel({ online: true, lastSeen: NOW - 3 * DAY }, NOW)).toBe('online');
  });
  it('says offline when never seen', () => {
    expect(presenceLabel({ online: false, lastSeen: null }, NOW)).toBe('offline');
  });
  it('says just now under a minute', () => {
    expect(presenceLabel(seen(0), NOW)).toBe('last seen just now');
    expect(presenceLabel(seen(59 * SEC), NOW)).toBe('last seen just now');
  });
  it('buckets minutes, hours, days, months and years', () => {
    expect(presenceLabel(seen(MIN), NOW)).toBe('last seen 1m ago');
    expect(presenceLabel(seen(5 * MIN + 59 * SEC), NOW)).toBe('last seen 5m ago');
    expect(presenceLabel(seen(59 * MIN), NOW)).toBe('last seen 59m ago');
    expect(presenceLabel(seen(HOUR), NOW)).toBe('last seen 1h ago');
    expect(presenceLabel(seen(23 * HOUR + 59 * MIN), NOW)).toBe('last seen 23h ago');
    expect(presenceLabel(seen(DAY), NOW)).toBe('last seen 1d ago');
    expect(presenceLabel(seen(29 * DAY), NOW)).toBe('last seen 29d ago');
    expect(presenceLabel(seen(45 * DAY), NOW)).toBe('last seen 1mo ago');
    expect(presenceLabel(seen(800 * DAY), NOW)).toBe('last seen 2y ago');
  });
  it('never says "in 2 minutes" when the viewer clock is behind the server', () => {
    expect(presenceLabel({ online: false, lastSeen: NOW + 2 * MIN }, NOW)).toBe('last seen just now');
  });
  it('is right on a client whose clock is off, once corrected by the server time in a frame', () => {
    const serverNow = NOW;
    const clientNow = NOW - 10 * MIN; // client clock 10 minutes behind
    const offset = clockOffset(serverNow, clientNow);
    expect(presenceLabel(seen(5 * MIN), clientNow + offset)).toBe('last seen 5m ago');
    const aheadOffset = clockOffset(serverNow, NOW + 3 * HOUR); // client 3 hours ahead
    expect(presenceLabel(seen(5 * MIN), NOW + 3 * HOUR + aheadOffset)).toBe('last seen 5m ago');
  });
  it('localises the relative part', () => {
    expect(relativeTime(NOW - 5 * MIN, NOW, 'de')).toMatch(/5/);
    expect(relativeTime(NOW - 5 * MIN, NOW, 'de')).not.toBe(relativeTime(NOW - 5 * MIN, NOW, 'en'));
  });
});

describe('idle labels', () => {
  const idle = (msAgo: number) => ({ online: true, idle: true, lastSeen: NOW - msAgo });
  it('says idle under a minute, then for how long, in the relative label’s buckets', () => {
    expect(presenceLabel(idle(30 * SEC), NOW)).toBe('idle');
    expect(presenceLabel(idle(12 * MIN + 5 * SEC), NOW)).toBe('idle for 12m');
    expect(presenceLabel(idle(3 * HOUR), NOW)).toBe('idle for 3h');
    expect(presenceLabel(idle(2 * DAY), NOW)).toBe('idle for 2d');
  });
  it('is its own state, with the exact time of the last activity on hover', () => {
    expect(presenceState(idle(12 * MIN))).toBe('idle');
    expect(presenceTitle(idle(12 * MIN), NOW)).toBe(`idle for 12m (${exactTime(NOW - 12 * MIN)})`);
  });
  it('takes translated words, with English for strings written before idle existed', () => {
    const strings = { online: 'en ligne', offline: 'hors ligne', lastSeen: 'vu', justNow: 'à l’instant' };
    expect(presenceLabel(idle(12 * MIN), NOW, 'fr', strings)).toBe('idle for 12min');
    expect(presenceLabel(idle(12 * MIN), NOW, 'fr', { ...strings, idleFor: 'inactif depuis' })).toBe(
      'inactif depuis 12min',
    );
  });
});

describe('presenceState and presenceTitle', () => {
  it('names the three states', () => {
    expect(presenceState({ online: true, lastSeen: NOW })).toBe('online');
    expect(presenceState(seen(MIN))).toBe('away');
    expect(presenceState({ online: false, lastSeen: null })).toBe('offline');
  });
  it('gives the label’s own words on hover, then the exact time', () => {
    const exact = exactTime(NOW - 5 * MIN, 'en');
    expect(exact).toMatch(/2026/);
    expect(presenceTitle(seen(5 * MIN), NOW, 'en')).toBe(`last seen 5m ago (${exact})`);
    expect(presenceTitle({ online: true, lastSeen: NOW }, NOW)).toBe('online');
    expect(presenceTitle({ online: false, lastSeen: null }, NOW)).toBe('offline');
  });
});

describe('msUntilLabelChanges', () => {
  it('sleeps until the next bucket boundary', () => {
    expect(msUntilLabelChanges(NOW - 10 * SEC, NOW)).toBe(50 * SEC);
    expect(msUntilLabelChanges(NOW - (5 * MIN + 20 * SEC), NOW)).toBe(40 * SEC);
    expect(msUntilLabelChanges(NOW - (2 * HOUR + 15 * MIN), NOW)).toBe(45 * MIN);
    expect(msUntilLabelChanges(NOW - (3 * DAY + 6 * HOUR), NOW)).toBe(18 * HOUR);
  });
});

describe('parseTimestamp', () => {
  it('reads epoch ms, epoch seconds and ISO strings', () => {
    expect(parseTimestamp(NOW)).toBe(NOW);
    expect(parseTimestamp(String(NOW))).toBe(NOW);
    expect(parseTimestamp(String(NOW / 1000))).toBe(NOW);
    expect(parseTimestamp('2026-11-23T12:00:00Z')).toBe(NOW);
  });
  it('returns null for anything else', () => {
    for (const bad of [null, undefined, '', 'yesterday', -1, Number.NaN, '0']) expect(parseTimestamp(bad)).toBeNull();
  });
});
