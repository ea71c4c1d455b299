import { describe, expect, it } from 'vitest';
import { sseFrame } from '../src/sse-frame.js';

describe('one SSE message', () => {
  it('frames events, retry hints and keep-alive comments exactly as the wire has them', () => {
    expect(sseFrame({ event: 'presence', data: '{"t":1,"users":{}}' })).toBe(
      'event: presence\ndata: {"t":1,"users":{}}\n\n',
    );
    expect(sseFrame({ retry: 2000 })).toBe('retry: 2000\n\n');
    expect(sseFrame({ comment: '' })).toBe(':\n\n');
    expect(sseFrame({ comment: 'hi', retry: 500, event: 'x', data: 'y' })).toBe(
      ':hi\nretry: 500\nevent: x\ndata: y\n\n',
    );
  });

  it('gives each line of the payload its own data field, and refuses names that would start a field', () => {
    expect(sseFrame({ data: 'a\nb\r\nc' })).toBe('data: a\ndata: b\ndata: c\n\n');
    expect(() => sseFrame({ event: 'x\ndata: forged' })).toThrow(/event name must be one line/);
    expect(() => sseFrame({ comment: '\nevent: forged' })).toThrow(/comment must be one line/);
  });
});
