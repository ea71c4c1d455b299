import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { getPresenceStore, type PresenceHere } from '../src/index.js';
import '../src/define.js';
import { ENDPOINT, eventually, openEventSources, roomWithTyping, server, signIn } from './support/helpers.js';

// <presence-here> and <presence-typing> in Chromium against the real server: this page is
// signed in as Ada; the other people are sessions the server side of the test opens.

const ROOM = 'doc:42';
/** The names drawn, in order, the page's own starred. */
function shown(element: PresenceHere): string[] {
  return [...element.shadowRoot!.querySelectorAll('[part~="item"]:not(.leave)')].map(
    (item) =>
      item.querySelector('[part~="avatar"]')!.getAttribute('title')! +
      (item.getAttribute('part')!.includes('me') ? '*' : ''),
  );
}
const part = (element: Element, name: string) => element.shadowRoot!.querySelector(`[part~="${name}"]`);

describe('<presence-here>', () => {
  before(async () => {
    await server.reset({ roomGraceSeconds: 2, typingSeconds: 2, authorizeRoomDenies: 'doc:secret' });
    for (const [uid, name] of [
      ['r-ada', 'Ada'],
      ['r-bea', 'Bea'],
      ['r-cy', 'Cy'],
      ['r-dee', 'Dee'],
    ])
      await server.user({ uid: uid!, name: name!, avatar: null });
    signIn('r-ada');
  });
  after(() => signIn(null));
  afterEach(async () => {
    fixtureCleanup();
    await eventually(() => openEventSources().length === 0, 'the stream closes with the last element');
  });

  it('draws the server-rendered list at once, then the room: alphabetical, own avatar marked, count and +N', async () => {
    await server.enterAs('r-dee', ROOM);
    await server.enterAs('r-bea', ROOM);
    const initial = JSON.stringify({ t: Date.now(), count: 2, users: [{ uid: 'r-dee', name: 'Dee', avatar: null }] });
    const element = await fixture<PresenceHere>(
      html`<presence-here endpoint=${ENDPOINT} room=${ROOM} max="2"
        ><script type="application/json">
          ${initial}
        </script></presence-here
      >`,
    );
    expect(shown(element)).to.deep.equal(['Dee']);
    expect(part(element, 'count')!.textContent).to.equal('2');
    await eventually(async () => (await server.roomTick(), shown(element).join() === 'Ada*,Bea'), 'the live room');
    // Three are here; the window of 2 holds Ada and Bea, the count says 3, the chip the rest.
    expect(part(element, 'count')!.textContent).to.equal('3');
    expect(part(element, 'overflow')!.textContent!.trim()).to.contain('+1');
    expect(part(element, 'overflow')!.getAttribute('title')).to.equal('1 more here');
    expect(part(element, 'base')!.getAttribute('aria-label')).to.equal('Here now');
    expect(getPresenceStore(ENDPOINT).room(ROOM).me).to.equal('r-ada');
    await server.leaveAs('r-dee');
    await server.leaveAs('r-bea');
  });

  it('fires join and leave for the others only, on the element and the store', async () => {
    const element = await fixture<PresenceHere>(
      html`<presence-here endpoint=${ENDPOINT} room="doc:7"></presence-here>`,
    );
    const onElement: string[] = [];
    const onStore: string[] = [];
    element.addEventListener('presence-join', (e) => onElement.push(`+${e.entry.uid}`));
    element.addEventListener('presence-leave', (e) => onElement.push(`-${e.entry.uid}`));
    const room = getPresenceStore(ENDPOINT).room('doc:7');
    const stops = [room.onJoin((m) => onStore.push(`+${m.uid}`)), room.onLeave((m) => onStore.push(`-${m.uid}`))];
    await eventually(async () => (await server.roomTick(), shown(element).join() === 'Ada*'), 'Ada is in');
    await server.enterAs('r-cy', 'doc:7');
    await eventually(async () => (await server.roomTick(), shown(element).join() === 'Ada*,Cy'), 'Cy joins');
    await server.leaveAs('r-cy');
    await server.advance(3); // past the grace
    await eventually(async () => (await server.roomTick(), shown(element).join() === 'Ada*'), 'Cy leaves');
    expect(onElement).to.deep.equal(['+r-cy', '-r-cy']);
    expect(onStore).to.deep.equal(['+r-cy', '-r-cy']);
    for (const stop of stops) stop();
  });

  it('shows nothing when the server refuses the room, and says why in the console once', async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (message: string) => errors.push(message);
    try {
      const element = await fixture<PresenceHere>(
        html`<presence-here endpoint=${ENDPOINT} room="doc:secret"></presence-here>`,
      );
      await eventually(() => errors.length > 0, 'the refusal is logged');
      await element.updateComplete;
      expect(element.shadowRoot!.childElementCount).to.equal(0);
      expect(errors).to.deep.equal([
        'presence-kit: the server refused room "doc:secret" (403): You may not enter room "doc:secret"; ask only for rooms you can see.',
      ]);
    } finally {
      console.error = original;
    }
  });

  it('shows nothing for a room name the rule refuses (a channel path), not an empty room, and warns once', async () => {
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (message: string) => warnings.push(message);
    try {
      const element = await fixture<PresenceHere>(
        html`<presence-here endpoint=${ENDPOINT} room="org/acme/channel/general"></presence-here>`,
      );
      await element.updateComplete;
      // "Nobody is here" would be a claim about a room the page never asked for.
      expect(element.shadowRoot!.childElementCount).to.equal(0);
      expect(warnings).to.deep.equal([
        'presence-kit: "org/acme/channel/general" is not a valid room name (1-128 letters, digits or _ . : @ -); nothing is shown.',
      ]);
      expect(openEventSources()).to.deep.equal([]);
    } finally {
      console.warn = original;
    }
  });

  it('refuses an oversize state before sending it, and delivers a state to the others', async () => {
    await fixture<PresenceHere>(html`<presence-here endpoint=${ENDPOINT} room=${ROOM}></presence-here>`);
    const room = getPresenceStore(ENDPOINT).room(ROOM);
    await eventually(async () => (await server.roomTick(), room.count === 1), 'Ada is in');
    expect(() => room.set({ note: 'x'.repeat(1100) })).to.throw(RangeError, /at most 1024 bytes/);
    room.set({ color: 'teal' });
    await eventually(async () => {
      await server.roomTick();
      return (await server.roomMembers(ROOM)).users[0]?.state !== null;
    }, 'the state reaches the server');
    expect((await server.roomMembers(ROOM)).users.map((u) => u.state)).to.deep.equal([{ color: 'teal' }]);
  });
});

describe('<presence-typing>', () => {
  before(async () => {
    await server.reset({ roomGraceSeconds: 2, typingSeconds: 2 });
    for (const [uid, name] of [
      ['t-ada', 'Ada'],
      ['t-bea', 'Bea'],
      ['t-cy', 'Cy'],
      ['t-dee', 'Dee'],
    ])
      await server.user({ uid: uid!, name: name!, avatar: null });
    signIn('t-ada');
  });
  after(() => signIn(null));
  afterEach(() => fixtureCleanup());

  it('words one, two and three typists, never the page itself, runs out by itself, and stops at once', async () => {
    for (const uid of ['t-bea', 't-cy', 't-dee']) await server.enterAs(uid, ROOM);
    const element = await roomWithTyping(ROOM);
    const text = () => part(element, 'label')!.textContent!.trim();
    await eventually(
      async () => (await server.roomTick(), getPresenceStore(ENDPOINT).room(ROOM).count === 4),
      'all in',
    );

    getPresenceStore(ENDPOINT).room(ROOM).typing(); // the page's own typing is not shown to itself
    await server.typingAs('t-bea', ROOM, true);
    await eventually(async () => (await server.roomTick(), text() === 'Bea is typing…'), 'one');
    await server.typingAs('t-cy', ROOM, true);
    await eventually(async () => (await server.roomTick(), text() === 'Bea and Cy are typing…'), 'two');
    await server.typingAs('t-dee', ROOM, true);
    await eventually(async () => (await server.roomTick(), text() === '3 people are typing…'), 'three');
    await server.typingAs('t-cy', ROOM, false);
    await eventually(async () => (await server.roomTick(), text() === 'Bea and Dee are typing…'), 'a sent message');
    // Nobody signals again: 2 s after the last signal the line is empty, with no frame needed.
    await eventually(() => text() === '', 'it runs out', 4000);
    expect(part(element, 'label')!.getAttribute('role')).to.equal('status');
  });
});
