import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW, formatWindow, parseWindow } from '../src/index.js';

describe('parseWindow: the one window parser', () => {
  it('reads "timeout margin" text, as markup and meta tags carry it', () => {
    expect(parseWindow('90 30')).toEqual({ timeoutSeconds: 90, marginSeconds: 30 });
    expect(parseWindow(' 1.5,0.5 ')).toEqual({ timeoutSeconds: 1.5, marginSeconds: 0.5 });
  });
  it('reads the two values, as options, env vars and JSON give them', () => {
    expect(parseWindow({ timeoutSeconds: 90, marginSeconds: '30' })).toEqual({ timeoutSeconds: 90, marginSeconds: 30 });
  });
  it('keeps a margin of 0: no hysteresis is a real choice (the server used to turn it into 20)', () => {
    expect(parseWindow('60 0')).toEqual({ timeoutSeconds: 60, marginSeconds: 0 });
    expect(parseWindow({ timeoutSeconds: '60', marginSeconds: '0' })).toEqual({ timeoutSeconds: 60, marginSeconds: 0 });
  });
  it('falls back per value on anything missing or invalid: a timeout must be > 0, a margin >= 0', () => {
    for (const bad of [undefined, null, '', 'abc', '-5', '0', 'Infinity', {}, true]) {
      expect(parseWindow({ timeoutSeconds: bad, marginSeconds: bad === '0' ? '-1' : bad })).toEqual(DEFAULT_WINDOW);
    }
    expect(parseWindow('0 -1')).toEqual(DEFAULT_WINDOW);
    expect(parseWindow('90')).toEqual({ timeoutSeconds: 90, marginSeconds: 20 });
    expect(parseWindow(null, { timeoutSeconds: 10, marginSeconds: 5 })).toEqual({
      timeoutSeconds: 10,
      marginSeconds: 5,
    });
  });
  it('reads back what formatWindow writes', () => {
    const window = { timeoutSeconds: 45, marginSeconds: 0 };
    expect(formatWindow(window)).toBe('45 0');
    expect(parseWindow(formatWindow(window))).toEqual(window);
  });
});
