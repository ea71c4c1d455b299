import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlipLog } from '../src/flip-log.js';
import { createTestApp, type TestApp } from '../../../test/support/index.js';
import { internalsOf } from '../src/internals.js';

// A new page of a multi-page site resumes where the last one stopped: it subscribes with
// the uids it has cached (`known`) and the id of the last frame it saw (`since`).

let host: TestApp;
beforeEach(() => {
  host = createTestApp();
  host.presence.upsertUser({ uid: '1', name: 'Ada', avatar: null });
});
afterEach(() => host.close());

const relay = () => internalsOf(host.presence).relay;
const frame = (event: string, data: string) => `event: ${event}\nid: ${relay().log.position}\ndata: ${data}\n\n`;

/** The first page: watches 1, 2 and the roster, sees 1 come online, and leaves with the last id it saw. */
async function firstPage(): Promise<string> {
  const page = await host.session();
  await page.subscribe({ add: ['1', '2'], roster: { max: 3 } });
  await host.visit('1');
  const frames = await page.reader.next(4);
  await page.reader.cancel();
  return /^id: (.*)$/m.exec(frames.at(-1)!)![1]!;
}

describe('resuming on a new page', () => {
  it('sends an empty snapshot and no roster when nothing changed during the navigation', async () => {
    const since = await firstPage();
    host.clock.advance(2);
    relay().tick();
    const next = await host.session();
    await next.subscribe({ add: ['1', '2'], known: ['1', '2'], roster: { max: 3, known: true }, since });
    expect(await next.reader.rest()).toEqual([frame('snapshot', `{"t":${host.clock.ms}}`)]);
  });

  it('sends only the known uids that flipped since, the new ones, and the roster window that changed', async () => {
    const since = await firstPage();
    host.clock.advance(81);
    relay().tick(); // 1 leaves
    const next = await host.session();
    await next.subscribe({ add: ['1', '2', '3'], known: ['1', '2'], roster: { max: 3, known: true }, since });
    const t = host.clock.ms;
    expect(await next.reader.rest()).toEqual([
      frame('snapshot', `{"t":${t},"off":{"1":81},"never":["3"]}`),
      frame('roster', `{"t":${t},"count":0,"users":[]}`),
    ]);
  });

  it('sends everything when `since` is from another epoch (a restart, another process) or from the future', async () => {
    await firstPage();
    for (const since of ['other:1', `${relay().log.epoch}:99`]) {
      const next = await host.session();
      await next.subscribe({ add: ['1', '2'], known: ['1', '2'], roster: { max: 3, known: true }, since });
      const t = host.clock.ms;
      expect(await next.reader.rest()).toEqual([
        frame('snapshot', `{"t":${t},"on":["1"],"never":["2"]}`),
        frame('roster', `{"t":${t},"count":1,"users":[["1","Ada",null,0]]}`),
      ]);
    }
  });
});

describe('the flip log behind resume', () => {
  it('remembers each uid’s last flip, and past its bound forgets the oldest and raises the floor', () => {
    const log = new FlipLog(2);
    const at = (seq: number) => ({ epoch: log.epoch, seq });
    log.record(['a']); // 1
    log.record(['b']); // 2
    expect(log.resumable(at(0))).toBe(true);
    expect(log.unchangedSince('a', at(0))).toBe(false);
    expect(log.unchangedSince('a', at(1))).toBe(true);
    log.record(['c', 'b']); // 3: a, the oldest, is forgotten
    expect(log.resumable(at(0))).toBe(false);
    expect(log.resumable(at(1))).toBe(true);
    expect(log.unchangedSince('a', at(1))).toBe(true);
    expect(log.unchangedSince('b', at(2))).toBe(false);
    expect(log.nothingSince(at(3))).toBe(true);
    expect(log.nothingSince(at(2))).toBe(false);
    expect(log.resumable(at(4))).toBe(false);
    expect(log.resumable({ epoch: 'other', seq: 3 })).toBe(false);
  });
});
