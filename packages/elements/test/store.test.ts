import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { PresenceChange } from '../src/index.js';
import { getPresenceStore, type PresenceDot, type PresenceStatus } from '../src/index.js';
import '../src/define.js';
import { ENDPOINT, allLive, eventSources, eventually, openEventSources, server } from './support/helpers.js';

function dots(container: Element): PresenceDot[] {
  return [...container.querySelectorAll('presence-dot')];
}

describe('the shared store', () => {
  before(() => server.reset());
  afterEach(async () => {
    fixtureCleanup();
    await eventually(() => openEventSources().length === 0, 'the stream closes with the last element');
    await eventually(async () => (await server.stats()).connections === 0, 'the server sees the stream close');
  });

  it('opens ONE EventSource for 300 dots of 40 users, watching 40 uids', async () => {
    const before = eventSources.length;
    const uids = Array.from({ length: 300 }, (_, i) => `u${i % 40}`);
    const list = await fixture(
      html`<div>${uids.map((uid) => html`<presence-dot uid=${uid} endpoint=${ENDPOINT}></presence-dot>`)}</div>`,
    );
    await eventually(() => allLive(dots(list)), 'every dot gets a live status');

    expect(eventSources.length - before).to.equal(1);
    expect(openEventSources()).to.have.length(1);
    expect(getPresenceStore(ENDPOINT).watchedUids).to.have.length(40);
    expect(await server.stats()).to.deep.equal({ connections: 1, watchedUids: 40 });
  });

  it('carries the roster on the same one stream as the dots', async () => {
    const before = eventSources.length;
    const page = await fixture(
      html`<div>
        <online-now endpoint=${ENDPOINT}></online-now>
        <presence-dot uid="r1" endpoint=${ENDPOINT}></presence-dot>
        <presence-status uid="r2" endpoint=${ENDPOINT}></presence-status>
      </div>`,
    );
    await eventually(
      () => allLive(page.querySelectorAll<PresenceDot | PresenceStatus>('presence-dot, presence-status')),
      'the dot and label go live',
    );
    expect(eventSources.length - before).to.equal(1);
    // Protocol 2: the stream carries no uids; they are subscribed to by POST.
    expect(new URL(openEventSources()[0]!.url).search).to.equal('?v=2');
    expect(await server.stats()).to.deep.equal({ connections: 1, watchedUids: 2 });
  });

  it('handles a page with 1,000 distinct users on one connection', async () => {
    const uids = Array.from({ length: 1000 }, (_, i) => String(i + 1));
    await server.touch('500');
    const list = await fixture(
      html`<div>${uids.map((uid) => html`<presence-dot uid=${uid} endpoint=${ENDPOINT}></presence-dot>`)}</div>`,
    );
    await eventually(() => allLive(dots(list)), 'every dot gets a live status');

    expect(openEventSources()).to.have.length(1);
    expect(await server.stats()).to.deep.equal({ connections: 1, watchedUids: 1000 });
    const online = dots(list)
      .filter((dot) => dot.state === 'online')
      .map((dot) => dot.uid);
    expect(online).to.deep.equal(['500']);
  });

  it('keeps one connection and loses no transition while elements come and go', async () => {
    const list = await fixture<HTMLDivElement>(
      html`<div>
        <presence-dot uid="a" endpoint=${ENDPOINT}></presence-dot>
        <presence-dot uid="b" endpoint=${ENDPOINT}></presence-dot>
      </div>`,
    );
    await eventually(() => allLive(dots(list)), 'the first dots go live');
    const opened = eventSources.length;

    // Add a dot (infinite scroll) and, while its subscription is still on its way,
    // make both an old and a new uid active: the stream or the new snapshot must carry it.
    list.insertAdjacentHTML('beforeend', `<presence-dot uid="c" endpoint="${ENDPOINT}"></presence-dot>`);
    await Promise.all([server.touch('a'), server.touch('c')]);
    await eventually(() => dots(list).every((dot) => dot.uid === 'b' || dot.state === 'online'), 'a and c turn green');
    // The subscription changed in place: no new stream.
    expect(eventSources.length - opened).to.equal(0);
    expect(openEventSources()).to.have.length(1);
    expect(await server.stats()).to.deep.equal({ connections: 1, watchedUids: 3 });

    // Remove every dot for b (client-side routing): b leaves the subscription.
    list.querySelector('presence-dot[uid="b"]')!.remove();
    await eventually(async () => (await server.stats()).watchedUids === 2, 'b is no longer watched');
    expect(openEventSources()).to.have.length(1);
    expect(await server.stats()).to.deep.equal({ connections: 1, watchedUids: 2 });
  });

  it('is usable from plain JS: watch, onChange, and the last unsubscribe closes the stream', async () => {
    const store = getPresenceStore(ENDPOINT);
    expect(getPresenceStore(`${location.origin}/presence/`)).to.equal(store);
    const seen: boolean[] = [];
    const changes: PresenceChange[] = [];
    const stopChanges = store.onChange((change) => changes.push(change));
    const stop = store.watch('plain-js', (status) => status.live && seen.push(status.online));
    await eventually(() => seen.length > 0, 'the snapshot arrives');
    expect(seen).to.deep.equal([false]);

    const at = await server.now();
    await server.touch('plain-js');
    await eventually(() => seen.at(-1) === true, 'the change arrives');
    expect(changes).to.have.length(1);
    expect(changes[0]!.uid).to.equal('plain-js');
    expect(changes[0]!.online).to.equal(true);
    expect(changes[0]!.lastSeen).to.be.at.least(at);

    stop();
    stopChanges();
    await eventually(() => openEventSources().length === 0, 'no watcher left, no stream');
  });
});
