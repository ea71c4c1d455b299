import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { RosterEntry } from '@presence-kit/core';
import { PresenceJoinEvent, PresenceLeaveEvent, getPresenceStore, type OnlineNow } from '../src/index.js';
import '../src/define.js';
import { ENDPOINT, eventually, names, openEventSources, server } from './support/helpers.js';

/** The names drawn (people leaving are still animating out, so they are skipped). */
function shown(element: OnlineNow): string[] {
  return [...element.shadowRoot!.querySelectorAll('[part~="item"]:not(.leave) [part~="avatar"]')].map((avatar) =>
    avatar.getAttribute('title')!,
  );
}
function part(element: OnlineNow, name: string): Element | null {
  return element.shadowRoot!.querySelector(`[part~="${name}"]`);
}
function serverRendered(users: Partial<RosterEntry>[]): string {
  return JSON.stringify({ t: Date.now(), count: users.length, users }).replace(/</g, '\\u003c');
}

describe('<online-now>', () => {
  before(() => server.reset());
  afterEach(async () => {
    fixtureCleanup();
    await emulateMedia({ reducedMotion: 'no-preference' });
    await eventually(() => openEventSources().length === 0, 'the stream closes with the last element');
  });

  it('renders the server-provided roster at once, then follows the stream in alphabetical order', async () => {
    await server.touch('r-zed', { name: 'Zed' });
    await server.touch('r-alice', { name: 'alice' });
    await server.touch('r-bob', { name: 'Bob' });
    const initial = serverRendered([
      { uid: 'r-ghost', name: 'Ghost', avatar: null, last_seen: 1 },
      { uid: 'r-zed', name: 'Zed', avatar: null, last_seen: 1 },
    ]);
    const element = await fixture<OnlineNow>(
      html`<online-now endpoint=${ENDPOINT}
        ><script type="application/json">
          ${initial}
        </script></online-now
      >`,
    );
    const joined: string[] = [];
    const left: string[] = [];
    const events: Event[] = [];
    element.addEventListener('presence-join', (event) => (events.push(event), joined.push(event.entry.name)));
    element.addEventListener('presence-leave', (event) => (events.push(event), left.push(event.detail.name)));

    // Before the stream has connected: the server's list, as rendered.
    expect(getPresenceStore(ENDPOINT).connected).to.equal(false);
    expect(shown(element)).to.deep.equal(['Ghost', 'Zed']);
    expect(part(element, 'count')!.textContent).to.equal('2');

    await eventually(() => shown(element).join() === 'alice,Bob,Zed', 'the live roster replaces it');
    expect(part(element, 'count')!.textContent).to.equal('3');
    expect(names(element.people)).to.deep.equal(['alice', 'Bob', 'Zed']);
    expect(joined).to.deep.equal(['alice', 'Bob']);
    expect(left).to.deep.equal(['Ghost']);
    expect(events.map((event) => event.constructor)).to.deep.equal([
      PresenceJoinEvent,
      PresenceJoinEvent,
      PresenceLeaveEvent,
    ]);
    expect(events.every((event) => event.bubbles && event.composed)).to.equal(true);

    // Someone new lands in their alphabetical place.
    await server.touch('r-carol', { name: 'Carol' });
    await eventually(() => shown(element).join() === 'alice,Bob,Carol,Zed', 'Carol appears in order');
    expect(part(element, 'count')!.textContent).to.equal('4');

    // Bob goes idle past the window and margin while the others stay active.
    await server.advance(16);
    await Promise.all(['r-alice', 'r-carol', 'r-zed'].map((uid) => server.touch(uid)));
    await server.tick();
    await eventually(() => shown(element).join() === 'alice,Carol,Zed', 'Bob leaves');
    expect(part(element, 'count')!.textContent).to.equal('3');
    expect(joined).to.deep.equal(['alice', 'Bob', 'Carol']);
    expect(left).to.deep.equal(['Ghost', 'Bob']);

    // The count is announced politely once it settles.
    const live = element.shadowRoot!.querySelector('[aria-live="polite"]')!;
    await eventually(() => live.textContent === '3 online', 'the count is announced');
  });

  it('animates arrivals, and not at all under prefers-reduced-motion', async () => {
    const element = await fixture<OnlineNow>(html`<online-now endpoint=${ENDPOINT}></online-now>`);
    await eventually(() => element.people.length === 3, 'the roster arrives');
    await server.touch('r-dave', { name: 'Dave' });
    await eventually(() => shown(element).includes('Dave'), 'Dave appears');
    const dave = element.shadowRoot!.querySelector('[title="Dave"]')!.closest('[part~="item"]')!;
    expect(getComputedStyle(dave).animationName).to.equal('presence-enter');

    await emulateMedia({ reducedMotion: 'reduce' });
    await server.touch('r-erin', { name: 'Erin' });
    await eventually(() => shown(element).includes('Erin'), 'Erin appears');
    expect(
      getComputedStyle(element.shadowRoot!.querySelector('[title="Erin"]')!.closest('[part~="item"]')!).animationName,
    ).to.equal('none');

    // Leaving under reduced motion: gone at once, no lingering avatar.
    await server.advance(16);
    await Promise.all(['r-alice', 'r-carol', 'r-zed', 'r-dave'].map((uid) => server.touch(uid)));
    await server.tick();
    await eventually(() => !element.people.some((entry) => entry.name === 'Erin'), 'Erin leaves');
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('[title="Erin"]')).to.equal(null);
  });

  it('shows "+N" when more people are online than `max`', async () => {
    const element = await fixture<OnlineNow>(html`<online-now endpoint=${ENDPOINT} max="2"></online-now>`);
    await eventually(() => element.people.length === 4, 'the roster arrives');
    expect(shown(element)).to.deep.equal(['alice', 'Carol']);
    const overflow = part(element, 'overflow')!;
    expect(overflow.querySelector('[aria-hidden="true"]')!.textContent).to.equal('+2');
    expect(overflow.querySelector('.visually-hidden')!.textContent).to.equal('2 more online');
    expect(part(element, 'count')!.textContent).to.equal('4');
  });

  it('has an empty state, and a slot to replace it', async () => {
    await server.reset();
    const element = await fixture<OnlineNow>(html`<online-now endpoint=${ENDPOINT}></online-now>`);
    expect(part(element, 'empty')!.textContent).to.equal('Nobody is online right now');
    const custom = await fixture<OnlineNow>(
      html`<online-now endpoint=${ENDPOINT}><p slot="empty">Quiet in here</p></online-now>`,
    );
    const slot = custom.shadowRoot!.querySelector<HTMLSlotElement>('slot[name="empty"]')!;
    expect(slot.assignedElements()[0]!.textContent).to.equal('Quiet in here');
    expect(part(custom, 'count')!.textContent).to.equal('0');
  });

  it('renders names and avatar URLs inert, from the page and from the stream', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const initial = serverRendered([
      { uid: 'x-1', name: hostile, avatar: 'javascript:window.__pwned=1', last_seen: 1 },
      { uid: 'x-2', name: 'Relative', avatar: '/packages/elements/test/avatar.svg', last_seen: 1 },
      { uid: 'x-3', name: 'Inline', avatar: 'data:image/png;base64,iVBORw0KGgo=', last_seen: 1 },
    ]);
    const element = await fixture<OnlineNow>(
      html`<online-now
        ><script type="application/json">
          ${initial}
        </script></online-now
      >`,
    );
    const images = [...element.shadowRoot!.querySelectorAll('img')].map((img) => img.getAttribute('src'));
    expect(images).to.deep.equal([
      'data:image/png;base64,iVBORw0KGgo=',
      `${location.origin}/packages/elements/test/avatar.svg`,
    ]);
    const item = element.shadowRoot!.querySelector('[part~="item"]')!;
    expect(item.querySelector('[part~="avatar"]')!.getAttribute('title')).to.equal(hostile);
    expect(item.querySelector('[part~="avatar"]')!.getAttribute('aria-label')).to.equal(hostile);
    expect(item.querySelector('[part~="avatar"]')!.children).to.have.length(0);

    await server.touch('x-live', { name: '<script>window.__pwned=1</script>', avatar: 'javascript:window.__pwned=1' });
    const live = await fixture<OnlineNow>(html`<online-now endpoint=${ENDPOINT}></online-now>`);
    await eventually(() => live.people.length === 1, 'the hostile user arrives over the stream');
    expect(live.shadowRoot!.querySelector('img')).to.equal(null);
    expect(live.shadowRoot!.querySelector('script')).to.equal(null);
    expect(shown(live)).to.deep.equal(['<script>window.__pwned=1</script>']);
    expect((window as { __pwned?: unknown }).__pwned).to.equal(undefined);
  });
});
