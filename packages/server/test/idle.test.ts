import { afterEach, describe, expect, it } from 'vitest';
import type { BulkResponse, RosterResponse } from '@presence-kit/core';
import { createTestApp, eventually, type TestApp, type TestSession } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

// Idle on (window 60 s + margin 20 s, idle after 120 s): someone with a page open and no activity
// is idle, not offline; their next activity makes them online again; closing the page ends it.

let host: TestApp;
afterEach(() => host.close());

const relay = () => internalsOf(host.presence).relay;
const tick = () => relay().tick();
const frame = (event: string, data: string) => `event: ${event}\nid: ${relay().log.position}\ndata: ${data}\n\n`;

async function close(session: TestSession): Promise<void> {
  const before = relay().sessions.size;
  await session.reader.cancel();
  await eventually(() => relay().sessions.size < before, 'the session to end');
}

/** Ada loads a page and keeps it open; Bob watches her dot and the roster. */
async function adaReading(): Promise<{ ada: TestSession; bob: TestSession }> {
  host.presence.upsertUser({ uid: 'ada', name: 'Ada', avatar: null });
  await host.visit('ada');
  const ada = await host.session('ada');
  tick();
  const bob = await host.session();
  await bob.subscribe({ add: ['ada'], roster: {} });
  await bob.reader.next(2);
  return { ada, bob };
}

/** Time passes a second at a time, ticking as the relay does. */
function passes(seconds: number): void {
  for (let i = 0; i < seconds; i++) {
    host.clock.advance(1);
    tick();
  }
}

describe('idle', () => {
  it('says so in the hello', async () => {
    host = createTestApp({ idleSeconds: 120 });
    expect((await host.session()).hello.idle).toBe(120);
    host.close();
    host = createTestApp({ idle: true });
    expect((await host.session()).hello.idle).toBe(300);
    host.close();
    host = createTestApp();
    expect((await host.session()).hello.idle).toBeUndefined();
  });

  it('turns someone with a page open idle after idleSeconds plus the margin, as a flip and a replacing join', async () => {
    host = createTestApp({ idleSeconds: 120 });
    const { bob } = await adaReading();
    passes(139);
    expect(await bob.reader.rest()).toEqual([]);
    passes(1);
    expect(await bob.reader.rest()).toEqual([
      frame('presence', `{"t":${host.clock.ms},"idle":{"ada":140}}`),
      frame('roster', `{"t":${host.clock.ms},"count":1,"join":[["ada","Ada",null,140,1]]}`),
    ]);
  });

  it('brings them back online at their next activity, and keeps them idle, not offline, for hours', async () => {
    host = createTestApp({ idleSeconds: 120 });
    const { bob } = await adaReading();
    passes(3 * 3600);
    await bob.reader.next(2); // idle
    expect(await bob.reader.rest()).toEqual([]);
    // The page's own report: counted by the activity middleware like any request of hers.
    await host.app.request('/presence/activity', { method: 'POST', headers: { 'x-test-user': 'ada' } });
    // No tick by hand: the activity of someone shown idle nudges one at once.
    expect(await bob.reader.rest()).toEqual([
      frame('presence', `{"t":${host.clock.ms},"on":["ada"]}`),
      frame('roster', `{"t":${host.clock.ms},"count":1,"join":[["ada","Ada",null,0]]}`),
    ]);
  });

  it('shows an idle person offline only after no page for the margin, so a reload never flickers', async () => {
    host = createTestApp({ idleSeconds: 120 });
    const { ada, bob } = await adaReading();
    passes(200);
    await bob.reader.next(2);
    await close(ada);
    passes(1);
    const reloaded = await host.session('ada'); // a navigation: no request counted yet
    passes(60);
    expect(await bob.reader.rest()).toEqual([]);
    await close(reloaded);
    passes(19);
    expect(await bob.reader.rest()).toEqual([]);
    passes(1);
    expect(await bob.reader.rest()).toEqual([
      frame('presence', `{"t":${host.clock.ms},"off":{"ada":281}}`),
      frame('roster', `{"t":${host.clock.ms},"count":0,"leave":["ada"]}`),
    ]);
  });

  it('aggregates devices: online if any is active, idle while pages are open and none is', async () => {
    host = createTestApp({ idleSeconds: 120 });
    const { ada: laptop, bob } = await adaReading();
    await host.session('ada'); // her phone, open and untouched
    passes(60);
    await close(laptop);
    passes(79);
    expect(await bob.reader.rest()).toEqual([]);
    passes(1);
    expect(await bob.reader.next()).toEqual([frame('presence', `{"t":${host.clock.ms},"idle":{"ada":140}}`)]);
  });

  it('answers /status, /roster and the render helpers with the same state', async () => {
    host = createTestApp({ idleSeconds: 120 });
    await adaReading();
    passes(140);
    const status = (await (await host.app.request('/presence/status?uids=ada')).json()) as BulkResponse;
    const lastSeen = host.clock.ms - 140_000;
    expect(status.users).toEqual({ ada: { online: true, idle: true, last_seen: lastSeen } });
    const roster = (await (await host.app.request('/presence/roster')).json()) as RosterResponse;
    expect(roster).toEqual({
      t: host.clock.ms,
      count: 1,
      users: [{ uid: 'ada', name: 'Ada', avatar: null, last_seen: lastSeen, idle: true }],
    });
    const row = { uid: 'ada', last_seen: lastSeen };
    expect(host.presence.statusOf(row)).toEqual({ online: true, idle: true, last_seen: lastSeen });
    expect(host.presence.isOnline(row)).toBe(true);
    expect(host.presence.label(row)).toBe('idle for 2m');
    expect(host.presence.renderDot(row)).toBe(
      `<presence-dot uid="ada" last-seen="${lastSeen}" online idle server-now="${host.clock.ms}" server-window="60 20"></presence-dot>`,
    );
    expect(host.presence.renderStatus(row)).toContain(' online idle ');
    expect(host.presence.renderStatus(row)).toContain('>idle for 2m</presence-status>');
    expect(host.presence.renderRoster()).toContain(`"last_seen":${lastSeen},"idle":true}`);
    expect(host.presence.roster().users[0]!.idle).toBe(true);
  });

  it('sends a small window only the state changes inside it', async () => {
    host = createTestApp({ idleSeconds: 120 });
    host.presence.upsertUser({ uid: 'zed', name: 'Zed', avatar: null });
    await host.visit('zed');
    await host.session('zed');
    const { bob } = await adaReading(); // Ada is first by name, Zed second
    const top = await host.session();
    await top.subscribe({ roster: { max: 1 } });
    await top.reader.next();
    passes(140); // both go idle in the same tick
    expect(await top.reader.rest()).toEqual([
      frame('roster', `{"t":${host.clock.ms},"count":2,"join":[["ada","Ada",null,140,1]]}`),
    ]);
    expect(await bob.reader.rest()).toEqual([
      frame('presence', `{"t":${host.clock.ms},"idle":{"ada":140}}`),
      frame('roster', `{"t":${host.clock.ms},"count":2,"join":[["ada","Ada",null,140,1],["zed","Zed",null,140,1]]}`),
    ]);
  });

  it('sends a snapshot and a roster window with idle people marked', async () => {
    host = createTestApp({ idleSeconds: 120 });
    await adaReading();
    passes(140);
    const carol = await host.session();
    await carol.subscribe({ add: ['ada'], roster: {} });
    expect(await carol.reader.next(2)).toEqual([
      frame('snapshot', `{"t":${host.clock.ms},"idle":{"ada":140}}`),
      frame('roster', `{"t":${host.clock.ms},"count":1,"users":[["ada","Ada",null,140,1]]}`),
    ]);
  });

  it('resumes an idle flip: a client that saw it gets nothing, one from before gets the idle state', async () => {
    host = createTestApp({ idleSeconds: 120 });
    const { bob } = await adaReading();
    const before = relay().log.position;
    passes(140);
    const after = relay().log.position;
    const carol = await host.session();
    await carol.subscribe({ add: ['ada'], known: ['ada'], since: after });
    expect(await carol.reader.next()).toEqual([frame('snapshot', `{"t":${host.clock.ms}}`)]);
    const dan = await host.session();
    await dan.subscribe({ add: ['ada'], known: ['ada'], since: before });
    expect(await dan.reader.next()).toEqual([frame('snapshot', `{"t":${host.clock.ms},"idle":{"ada":140}}`)]);
    void bob;
  });

  it('flips no one when the wall clock jumps, forward or back, with pages open', async () => {
    host = createTestApp({ idleSeconds: 120 });
    const { bob } = await adaReading();
    passes(60);
    host.clock.jump(3600);
    passes(30);
    host.clock.jump(-7200);
    passes(30);
    expect(await bob.reader.rest()).toEqual([]);
    passes(20); // 140 s of real time since her last activity: idle, as without the jumps
    expect(await bob.reader.next()).toEqual([frame('presence', `{"t":${host.clock.ms},"idle":{"ada":0}}`)]);
  });

  it('shows someone who left offline after the margin when the clock is set back before their leaving is written', async () => {
    host = createTestApp({ idleSeconds: 120 });
    const { ada, bob } = await adaReading();
    passes(200);
    await bob.reader.next(2); // idle
    await close(ada);
    host.clock.jump(-300); // within the few seconds her closing waits before it is written
    passes(19);
    expect(await bob.reader.rest()).toEqual([]);
    passes(1);
    expect(await bob.reader.rest()).toEqual([
      frame('presence', `{"t":${host.clock.ms},"off":{"ada":0}}`), // her activity now reads as ahead of the clock
      frame('roster', `{"t":${host.clock.ms},"count":0,"leave":["ada"]}`),
    ]);
  });

  it('never makes anyone idle without a page: requests alone keep the two states', async () => {
    host = createTestApp({ idleSeconds: 120 });
    await host.visit('ada');
    tick();
    const bob = await host.session();
    await bob.subscribe({ add: ['ada'] });
    await bob.reader.next();
    passes(79);
    expect(await bob.reader.rest()).toEqual([]);
    passes(1);
    expect(await bob.reader.rest()).toEqual([frame('presence', `{"t":${host.clock.ms},"off":{"ada":80}}`)]);
  });
});
