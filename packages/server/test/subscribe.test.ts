import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

// POST /subscribe changes a session's set in place: snapshots only for what was added,
// the host's authorize hook on every added uid, the live set capped at maxUids.

let host: TestApp;
afterEach(() => host.close());

const epoch = () => internalsOf(host.presence).relay.log.epoch;
const snapshot = (seq: number, data: string) => `event: snapshot\nid: ${epoch()}:${seq}\ndata: ${data}\n\n`;
const errorOf = async (response: Response) => ({
  status: response.status,
  ...((await response.json()) as { error: { code: string; message: string } }).error,
});

describe('changing a subscription in place', () => {
  it('snapshots only the uids a change adds, and stops sending what it removes', async () => {
    host = createTestApp();
    await host.visit('1');
    await host.visit('2');
    internalsOf(host.presence).relay.tick();
    const t = host.clock.ms;
    const session = await host.session();
    await session.subscribe({ add: ['1'] });
    await session.subscribe({ add: ['1', '2', '3'] }); // 1 is already watched: not in the snapshot
    expect(await session.reader.rest()).toEqual([
      snapshot(1, `{"t":${t},"on":["1"]}`),
      snapshot(1, `{"t":${t},"on":["2"],"never":["3"]}`),
    ]);

    expect(await (await session.subscribe({ remove: ['1', '9'] })).json()).toEqual({ t, watching: 2 });
    host.clock.advance(81);
    internalsOf(host.presence).relay.tick();
    expect(await session.reader.rest()).toEqual([
      `event: presence\nid: ${epoch()}:2\ndata: {"t":${host.clock.ms},"off":{"2":81}}\n\n`,
    ]);
    expect(host.presence.stats()).toEqual({ streams: 1, watchedUids: 2 });
  });

  it('watches 1,000 UUID uids on one session, and refuses the 1,001st with 413', async () => {
    host = createTestApp();
    const uuids = Array.from({ length: 1000 }, () => crypto.randomUUID());
    const session = await host.session();
    for (let i = 0; i < 1000; i += 250)
      expect((await session.subscribe({ add: uuids.slice(i, i + 250) })).status).toBe(200);
    const frames = await session.reader.rest();
    expect(frames).toHaveLength(4);
    expect(frames.flatMap((f) => JSON.parse(/^data: (.*)$/m.exec(f)![1]!).never)).toEqual(uuids);

    expect(await errorOf(await session.subscribe({ add: [crypto.randomUUID()] }))).toEqual({
      status: 413,
      code: 'too_many_uids',
      message:
        'This change would watch 1001 uids but a session may watch at most 1000; remove some before adding more.',
    });
    // Swapping within the cap is fine: the limit is on the live set.
    expect((await session.subscribe({ remove: [uuids[0]!], add: ['new'] })).status).toBe(200);
    expect(host.presence.stats().watchedUids).toBe(1000);
  });

  it('asks the host’s authorize hook about every added uid, and applies nothing a 403 refused', async () => {
    const asked: string[][] = [];
    host = createTestApp({
      authorize: (c, uids) => {
        asked.push([...uids]);
        return c.req.header('x-test-user') === 'admin' ? uids : uids.filter((uid) => uid !== 'secret');
      },
    });
    const session = await host.session();
    await session.subscribe({ add: ['1', '2'] });
    expect(await errorOf(await session.subscribe({ add: ['1', '3', 'secret'] }))).toEqual({
      status: 403,
      code: 'forbidden',
      message: 'You may not watch uid "secret"; ask only for users you can see.',
    });
    expect(asked).toEqual([
      ['1', '2'],
      ['3', 'secret'],
    ]); // 1 was already watched
    expect(host.presence.stats().watchedUids).toBe(2);
    const admin = await host.app.request('/presence/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-user': 'admin' },
      body: JSON.stringify({ sid: session.hello.sid, add: ['secret'] }),
    });
    expect(admin.status).toBe(200);
  });

  it('answers 404 unknown_session for a session that never existed', async () => {
    host = createTestApp();
    expect(await errorOf(await host.subscribe({ sid: 'nope', add: ['1'] }))).toMatchObject({
      status: 404,
      code: 'unknown_session',
    });
  });
});

describe('a subscription change that is not the documented JSON', () => {
  const cases: [string, unknown, number, string, RegExp][] = [
    ['not JSON', '{nope', 400, 'invalid_body', /must be JSON like \{"sid"/],
    ['a list', '[1]', 400, 'invalid_body', /must be JSON/],
    ['no sid', { add: ['1'] }, 400, 'invalid_body', /`sid` must be the session id/],
    [
      'an unknown field',
      { sid: 'x', uids: ['1'] },
      400,
      'unknown_parameter',
      /Unknown field `uids`; expected only `sid`, `add`/,
    ],
    ['add not a list', { sid: 'x', add: '1,2' }, 400, 'invalid_body', /`add` must be a list of uids/],
    ['a bad uid', { sid: 'x', add: ['<b>'] }, 400, 'invalid_uid', /"<b>" is not a valid uid/],
    [
      'too many uids at once',
      { sid: 'x', add: Array.from({ length: 1001 }, (_, i) => String(i)) },
      413,
      'too_many_uids',
      /at most 1000/,
    ],
    ['added and removed', { sid: 'x', add: ['1'], remove: ['1'] }, 400, 'invalid_body', /both added and removed/],
    [
      'known but not added',
      { sid: 'x', add: ['1'], known: ['2'], since: 'a:1' },
      400,
      'invalid_body',
      /`known` names uid "2", which is not in `add`/,
    ],
    ['known without since', { sid: 'x', add: ['1'], known: ['1'] }, 400, 'invalid_body', /`known` needs `since`/],
    ['a malformed since', { sid: 'x', since: '41' }, 400, 'invalid_body', /`since` must be an event id like "k2x9:41"/],
    [
      'a roster that is not a window',
      { sid: 'x', roster: true },
      400,
      'invalid_body',
      /`roster` must be \{\} for the whole roster/,
    ],
    ['a roster with other fields', { sid: 'x', roster: { size: 3 } }, 400, 'invalid_body', /`roster` must be/],
    [
      'a window of 0',
      { sid: 'x', roster: { max: 0 } },
      400,
      'invalid_body',
      /`roster.max` must be a whole number of at least 1/,
    ],
    ['a fractional window', { sid: 'x', roster: { max: 2.5 } }, 400, 'invalid_body', /`roster.max`/],
    ['a huge body', { sid: 'x', pad: 'x'.repeat(300_000) }, 413, 'payload_too_large', /body is too large/],
  ];
  for (const [what, body, status, code, message] of cases) {
    it(`answers ${status} ${code} to ${what}`, async () => {
      host = createTestApp();
      const error = await errorOf(await host.subscribe(body as Record<string, unknown>));
      expect(error).toMatchObject({ status, code });
      expect(error.message).toMatch(message);
    });
  }

  it('answers other methods 405 with Allow: POST', async () => {
    host = createTestApp();
    const response = await host.app.request('/presence/subscribe');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});
