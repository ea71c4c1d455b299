import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createTestApp,
  eventually,
  FrameReader,
  startServer,
  StreamRecorder,
  type TestApp,
} from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

// The session stream (protocol 2), in process: `app.request` and the exact bytes of every
// frame, as Hono's own tests do. Only what needs a socket opens one (the last describe).

let host: TestApp;
beforeEach(() => {
  host = createTestApp();
  host.presence.upsertUser({ uid: '1', name: 'Zed', avatar: '/zed.png' });
  host.presence.upsertUser({ uid: '2', name: 'amy', avatar: null });
});
afterEach(() => host.close());

const tick = () => internalsOf(host.presence).relay.tick();
const epoch = () => internalsOf(host.presence).relay.log.epoch;
const frame = (event: string, seq: number, data: string) => `event: ${event}\nid: ${epoch()}:${seq}\ndata: ${data}\n\n`;

describe('opening a session', () => {
  it('sends the retry hint and a hello naming the session, the server clock, window, epoch and write period, then nothing', async () => {
    const session = await host.session();
    expect(session.opening).toEqual([
      'retry: 2000\n\n',
      `event: hello\ndata: {"v":2,"sid":"${session.hello.sid}","t":${host.clock.ms},"window":[60,20],"epoch":"${epoch()}","write":30}\n\n`,
    ]);
    // This process's id, which other processes on the file forward its subscribes by, then the secret part.
    expect(session.hello.sid).toMatch(/^[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{22}$/);
    expect(await session.reader.rest()).toEqual([]);
  });

  it('gives every session its own unguessable id', async () => {
    const sids = new Set(await Promise.all(Array.from({ length: 20 }, async () => (await host.session()).hello.sid)));
    expect(sids.size).toBe(20);
  });

  it('belongs to the signed-in user who opened it (a guest’s, or an answer that is not a uid, to nobody)', async () => {
    const users = async (as?: string) => {
      const { hello } = await host.session(as);
      return internalsOf(host.presence).relay.sessions.get(hello.sid)!.user;
    };
    expect(await users('ada')).toBe('ada');
    expect(await users()).toBeNull();
    expect(await users('not a uid')).toBeNull();
  });

  it('announces itself as an unbuffered event stream and sends keep-alives', async () => {
    const response = await host.app.request('/presence/stream?v=2');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const stream = new FrameReader(response);
    await stream.next(2);
    internalsOf(host.presence).relay.keepAlive();
    expect(await stream.next()).toEqual([':\n\n']);
    await stream.cancel();
  });

  it('tells an older client (uids in the URL) and any other version what to update, with 400 protocol_mismatch', async () => {
    for (const query of ['uids=1,2&roster=1', '', 'v=1', 'v=3']) {
      const response = await host.app.request(`/presence/stream?${query}`);
      expect(response.status, query).toBe(400);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('protocol_mismatch');
      expect(error.message).toMatch(/speaks protocol version 2 .*update @presence-kit\/elements/);
    }
  });
});

describe('frames on a session', () => {
  it('answers a subscription with a compact snapshot of the added uids: online, offline seconds ago, never seen', async () => {
    await host.visit('1');
    await host.visit('2');
    tick();
    host.clock.advance(100); // 2 left after 80 s; 1 came back
    await host.visit('1');
    tick();
    const session = await host.session();
    const response = await session.subscribe({ add: ['1', '2', '3'] });
    expect(await response.json()).toEqual({ t: host.clock.ms, watching: 3 });
    expect(await session.reader.rest()).toEqual([
      frame('snapshot', 2, `{"t":${host.clock.ms},"on":["1"],"off":{"2":100},"never":["3"]}`),
    ]);
  });

  it('sends exactly one presence frame per tick to each session watching a user who flips', async () => {
    const [one, both, two] = await Promise.all([host.session(), host.session(), host.session()]);
    await one.subscribe({ add: ['1'] });
    await both.subscribe({ add: ['1', '2'] });
    await two.subscribe({ add: ['2'] });
    for (const session of [one, both, two]) await session.reader.next();

    await host.visit('1');
    await host.visit('1'); // throttled: no second write, no second frame
    tick();
    const online = frame('presence', 1, `{"t":${host.clock.ms},"on":["1"]}`);
    expect(await one.reader.rest()).toEqual([online]);
    expect(await both.reader.rest()).toEqual([online]);
    expect(await two.reader.rest()).toEqual([]);
  });

  it('batches one tick’s flips into one frame', async () => {
    const session = await host.session();
    await session.subscribe({ add: ['1', '2', '3'] });
    await session.reader.next();
    internalsOf(host.presence).store.touch('1', host.clock.ms);
    internalsOf(host.presence).store.touch('2', host.clock.ms);
    tick();
    expect(await session.reader.rest()).toEqual([frame('presence', 1, `{"t":${host.clock.ms},"on":["1","2"]}`)]);
  });

  it('does not flicker a user inside the margin, and drops them once after window + margin', async () => {
    const session = await host.session();
    await session.subscribe({ add: ['1'] });
    await session.reader.next();
    await host.visit('1');
    expect(await session.reader.next()).toEqual([frame('presence', 1, `{"t":${host.clock.ms},"on":["1"]}`)]);

    for (let second = 1; second < 80; second++) {
      host.clock.advance(1);
      tick();
    }
    expect(await session.reader.rest()).toEqual([]); // still online at 79 s: inside the 20 s margin
    host.clock.advance(1);
    tick();
    expect(await session.reader.rest()).toEqual([frame('presence', 2, `{"t":${host.clock.ms},"off":{"1":80}}`)]);
  });

  it('keeps a user who comes back inside the margin online with no frame at all', async () => {
    const session = await host.session();
    await session.subscribe({ add: ['1'] });
    await host.visit('1');
    await session.reader.next(2);
    host.clock.advance(70);
    tick();
    await host.visit('1');
    host.clock.advance(70);
    tick();
    expect(await session.reader.rest()).toEqual([]);
  });

  it('sends nothing at all while nothing changes', async () => {
    await host.visit('1');
    tick();
    const session = await host.session();
    await session.subscribe({ add: ['1', '2'], roster: {} });
    await session.reader.next(2);
    for (let i = 0; i < 200; i++) {
      host.clock.advance(0.25);
      if (i % 100 === 0) await host.visit('1'); // steady browsing keeps them online: still no change
      tick();
    }
    expect(await session.reader.rest()).toEqual([]);

    await host.visit('2'); // the next frames are the next change: nothing was queued in between
    const t = host.clock.ms;
    expect(await session.reader.rest()).toEqual([
      frame('presence', 2, `{"t":${t},"on":["2"]}`),
      frame('roster', 2, `{"t":${t},"count":2,"join":[["2","amy",null,0]]}`),
    ]);
  });

  it('forgets a session whose reader goes away, with everything it watched', async () => {
    const session = await host.session();
    await session.subscribe({ add: ['1', '2', '3'], roster: { max: 5 } });
    expect(host.presence.stats()).toEqual({ streams: 1, watchedUids: 3 });
    await session.reader.cancel();
    expect(host.presence.stats()).toEqual({ streams: 0, watchedUids: 0 });
    expect(internalsOf(host.presence).relay.sessions.rosterWindows().size).toBe(0);
    const late = await session.subscribe({ add: ['4'] });
    expect(late.status).toBe(404);
    expect(await late.json()).toEqual({
      error: {
        code: 'unknown_session',
        message:
          'This presence session has ended (its stream closed); open the stream again and subscribe on the new session.',
      },
    });
  });
});

describe('the session stream over a socket', () => {
  it('forgets a session the moment its client goes away', async () => {
    const server = await startServer();
    try {
      const stream = new StreamRecorder(`${server.url}/presence`, { uids: ['1', '2', '3'] });
      await stream.waitFor(1);
      expect(server.presence.stats()).toEqual({ streams: 1, watchedUids: 3 });
      stream.close();
      await eventually(() => server.presence.stats().streams === 0, 'the server sees the socket close', 1000);
      expect(server.presence.stats().watchedUids).toBe(0);
    } finally {
      await server.close();
    }
  });
});
