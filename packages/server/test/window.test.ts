import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../src/index.js';
import { startServer, StreamRecorder } from '../../../test/support/index.js';

describe("the window: read once with core's parser, stated to every page", () => {
  const env = (timeout?: string, margin?: string) => ({
    PRESENCE_TIMEOUT_SECONDS: timeout,
    PRESENCE_ONLINE_MARGIN_SECONDS: margin,
  });

  it('keeps a margin of 0 from the env or the options (it used to become 20)', () => {
    expect(resolveOptions({ db: ':memory:' }, env('30', '0'))).toMatchObject({ timeoutSeconds: 30, marginSeconds: 0 });
    expect(resolveOptions({ db: ':memory:', marginSeconds: 0 }, env())).toMatchObject({
      timeoutSeconds: 60,
      marginSeconds: 0,
    });
  });

  it('falls back to the defaults for values that are not a window (timeout > 0, margin >= 0)', () => {
    expect(resolveOptions({ db: ':memory:' }, env('0', '-1'))).toMatchObject({ timeoutSeconds: 60, marginSeconds: 20 });
    expect(resolveOptions({ db: ':memory:', timeoutSeconds: Number.NaN }, env('abc'))).toMatchObject({
      timeoutSeconds: 60,
    });
  });

  it("states the window and the clock in every session's hello", async () => {
    const server = await startServer({ timeoutSeconds: 12, marginSeconds: 0 });
    const stream = new StreamRecorder(`${server.url}/presence`, { uids: ['1'] });
    try {
      const [snapshot] = await stream.waitFor(1);
      expect(stream.hellos[0]).toMatchObject({ v: 2, t: server.clock.ms, window: [12, 0] });
      expect(snapshot!.data).toEqual({ t: server.clock.ms, never: ['1'] });
    } finally {
      stream.close();
      await server.close();
    }
  });
});
