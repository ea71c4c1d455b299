import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { PresenceChangeEvent, type PresenceDot, type PresenceStatus } from '../src/index.js';
import '../src/define.js';
import { ENDPOINT, eventually, openEventSources, server } from './support/helpers.js';

// The server under test uses a 10 s window and a 5 s margin.
describe('live status', () => {
  before(() => server.reset());
  afterEach(async () => {
    fixtureCleanup();
    await eventually(() => openEventSources().length === 0, 'the stream closes with the last element');
  });

  it('turns a dot green within seconds of the user becoming active', async () => {
    const dot = await fixture<PresenceDot>(html`<presence-dot uid="active-1" endpoint=${ENDPOINT}></presence-dot>`);
    await eventually(() => dot.status.live, 'the snapshot arrives');
    expect(dot.state).to.equal('offline');

    await server.touch('active-1');
    await eventually(() => dot.state === 'online', 'the dot turns green');
    expect(dot.status).to.include({ online: true, live: true });
  });

  it('turns it grey only after the window plus the margin, and says so with presence-change', async () => {
    await server.touch('idle-1');
    const dot = await fixture<PresenceDot>(html`<presence-dot uid="idle-1" endpoint=${ENDPOINT}></presence-dot>`);
    const changes: PresenceChangeEvent[] = [];
    dot.addEventListener('presence-change', (event) => changes.push(event));
    await eventually(() => dot.status.live && dot.state === 'online', 'the dot starts green');

    // Past the window, inside the margin: the server keeps them online.
    await server.advance(11);
    expect((await server.tick()).changed).not.to.include('idle-1');
    // A round trip after the tick: any frame it sent has arrived by now.
    await server.now();
    expect(dot.state).to.equal('online');
    expect(changes).to.deep.equal([]);

    await server.advance(5);
    expect((await server.tick()).changed).to.include('idle-1');
    await eventually(() => dot.state === 'away', 'the dot turns grey');
    expect(changes).to.have.length(1);
    const [change] = changes;
    expect(change).to.be.instanceOf(PresenceChangeEvent);
    expect(change).to.include({ uid: 'idle-1', online: false, bubbles: true, composed: true });
    expect(change!.lastSeen).to.be.a('number');
    // `detail` is kept for listeners written against the CustomEvent.
    expect(change!.detail).to.deep.equal({ uid: 'idle-1', online: false, lastSeen: change!.lastSeen });
  });

  it('trusts the stream over its own clock: a live dot never greys itself', async () => {
    await server.touch('trusted-1');
    // The page was rendered long ago: by its own clock this user would be offline.
    const stale = Date.now() - 60 * 60_000;
    const dot = await fixture<PresenceDot>(
      html`<presence-dot uid="trusted-1" last-seen=${stale} endpoint=${ENDPOINT}></presence-dot>`,
    );
    await eventually(() => dot.status.live && dot.state === 'online', 'the stream says online');
    // The fallback timer would have fired by now if the dot were watching its own clock.
    expect(dot.msUntilChange()).to.equal(Infinity);
    expect(dot.state).to.equal('online');
  });

  it('labels: online, then "last seen …" measured by the server clock, never in the future', async () => {
    await server.touch('label-1');
    const status = await fixture<PresenceStatus>(
      html`<presence-status uid="label-1" endpoint=${ENDPOINT}></presence-status>`,
    );
    const label = () => status.shadowRoot!.querySelector('[part~="label"]')!.textContent;
    await eventually(() => status.status.live && label() === 'online', 'the label says online');

    // Server time jumps 3 minutes: labels follow the server's clock (learnt from frames), not the browser's.
    await server.advance(180);
    await server.tick();
    await eventually(() => label() === 'last seen 3m ago', 'the label says how long ago, by the server clock');
    expect(status.shadowRoot!.querySelector('[part~="base"]')!.getAttribute('title')).to.match(
      /^last seen 3m ago \(\w+ \d+, \d{4}/,
    );
  });

  it('labels a never-seen user "offline"', async () => {
    const status = await fixture<PresenceStatus>(
      html`<presence-status uid="never-1" endpoint=${ENDPOINT}></presence-status>`,
    );
    await eventually(() => status.status.live, 'the snapshot arrives');
    expect(status.shadowRoot!.querySelector('[part~="label"]')!.textContent).to.equal('offline');
    expect(status.state).to.equal('offline');
  });
});
