import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { encodeStatuses } from '@presence-kit/core';
import { getPresenceStore, type PresenceDot } from '../src/index.js';
import '../src/define.js';
import { ENDPOINT, allLive, eventSources, eventually, openEventSources, server } from './support/helpers.js';

const dots = (container: Element): PresenceDot[] => [...container.querySelectorAll('presence-dot')];
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

/** One SSE event as the server frames it (an id like `k2x9ab:41`): the least a client can receive. */
function sseBytes(event: string, data: unknown): number {
  return new TextEncoder().encode(
    `event: ${event}\nid: ${'x'.repeat(8)}:${'9'.repeat(3)}\ndata: ${JSON.stringify(data)}\n\n`,
  ).length;
}

describe('a subscription that changes in place (protocol 2)', () => {
  before(() => server.reset());
  afterEach(async () => {
    fixtureCleanup();
    await eventually(() => openEventSources().length === 0, 'the stream closes with the last element');
    await eventually(async () => (await server.stats()).connections === 0, 'the server sees the stream close');
  });

  it('infinite scroll, 40 rounds of 20 new uids: one stream, one snapshot entry per uid, one frame per transition', async () => {
    const list = await fixture<HTMLDivElement>(html`<div></div>`);
    await server.traffic(true);
    const opened = eventSources.length;
    let ideal = 0;
    for (let round = 0; round < 40; round += 1) {
      const uids = Array.from({ length: 20 }, (_, i) => `scroll-${round}-${i}`);
      list.insertAdjacentHTML(
        'beforeend',
        uids.map((uid) => `<presence-dot uid="${uid}" endpoint="${ENDPOINT}"></presence-dot>`).join(''),
      );
      await eventually(() => allLive(dots(list)), `round ${round} goes live`);
      ideal += sseBytes(
        'snapshot',
        encodeStatuses(
          Date.now(),
          uids.map((uid) => [uid, { online: false, last_seen: null }]),
        ),
      );
      if (round % 10 === 0) {
        // A real transition: someone on screen comes online.
        await server.touch(uids[0]!);
        await eventually(
          () => list.querySelector<PresenceDot>(`presence-dot[uid="${uids[0]}"]`)!.state === 'online',
          'the transition arrives',
        );
        ideal += sseBytes('presence', { t: Date.now(), on: [uids[0]] });
      }
      await nextFrame();
    }
    const traffic = await server.traffic();
    expect(eventSources.length - opened).to.equal(1);
    expect(traffic.streams).to.equal(1);
    // The hello and the retry hint are the only overhead beyond the ideal frames.
    ideal += 200;
    expect(traffic.bytes, `${traffic.bytes} bytes for an ideal of ${ideal}`).to.be.at.most(1.2 * ideal);
    expect(await server.stats()).to.deep.equal({ connections: 1, watchedUids: 800 });
  });

  it('watches 1,000 UUID uids on one page, all live', async () => {
    const uids = Array.from({ length: 1000 }, () => crypto.randomUUID());
    await server.touch(uids[123]!);
    const list = await fixture(
      html`<div>${uids.map((uid) => html`<presence-dot uid=${uid} endpoint=${ENDPOINT}></presence-dot>`)}</div>`,
    );
    await eventually(() => allLive(dots(list)), 'every dot gets a live status');
    expect(openEventSources()).to.have.length(1);
    expect(await server.stats()).to.deep.equal({ connections: 1, watchedUids: 1000 });
    expect(
      dots(list)
        .filter((dot) => dot.state === 'online')
        .map((dot) => dot.uid),
    ).to.deep.equal([uids[123]]);
  });

  it('says clearly in the console when a page watches more than maxUids, and keeps the rest live', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args.map(String).join(' '));
    try {
      const first = Array.from({ length: 1000 }, (_, i) => `max-${i}`);
      const list = await fixture<HTMLDivElement>(
        html`<div>${first.map((uid) => html`<presence-dot uid=${uid} endpoint=${ENDPOINT}></presence-dot>`)}</div>`,
      );
      await eventually(() => allLive(dots(list)), 'the first 1,000 go live');
      list.insertAdjacentHTML('beforeend', `<presence-dot uid="one-too-many" endpoint="${ENDPOINT}"></presence-dot>`);
      await eventually(() => errors.length > 0, 'the refusal is logged');
      expect(errors).to.have.length(1);
      expect(errors[0]).to.match(/presence-kit: the server refused a subscription change \(413\).*at most 1000/);
      expect(getPresenceStore(ENDPOINT).status('max-0')?.live).to.equal(true);
      expect(list.querySelector<PresenceDot>('presence-dot[uid="one-too-many"]')!.status.live).to.equal(false);
    } finally {
      console.error = original;
    }
  });
});
