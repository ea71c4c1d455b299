import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { getPresenceStore, type PresenceHere } from '../src/index.js';
import '../src/define.js';
import { ENDPOINT, eventually, openEventSources, roomWithTyping, server, signIn } from './support/helpers.js';

// A room's signals from a page whose clock is set back mid-session (an NTP correction, a
// laptop waking with a wrong clock): the throttles must not wait for the clock to catch up.

const ROOM = 'doc:clock';
const realNow = Date.now.bind(Date);
let posts: string[] = [];
const realFetch = window.fetch.bind(window);

describe('room signals when the page clock is set back 5 minutes', () => {
  before(async () => {
    await server.reset({ typingSeconds: 2 });
    await server.user({ uid: 'k-ada', name: 'Ada', avatar: null });
    await server.user({ uid: 'k-bea', name: 'Bea', avatar: null });
    signIn('k-ada');
    window.fetch = (input, init) => {
      if (init?.method === 'POST') posts.push(String(input).replace(/^.*\//, ''));
      return realFetch(input, init);
    };
  });
  after(() => {
    window.fetch = realFetch;
    Date.now = realNow;
    signIn(null);
  });
  afterEach(async () => {
    Date.now = realNow;
    fixtureCleanup();
    await eventually(() => openEventSources().length === 0, 'the stream closes with the last element');
  });

  it('typing is signalled again 2 s on, and a state goes within a moment', async () => {
    await fixture<PresenceHere>(html`<presence-here endpoint=${ENDPOINT} room=${ROOM}></presence-here>`);
    const room = getPresenceStore(ENDPOINT).room(ROOM);
    await eventually(async () => (await server.roomTick(), room.me === 'k-ada' && room.count === 1), 'in the room');
    posts = [];
    room.typing();
    room.set({ color: 'teal' });
    await eventually(() => posts.includes('room-state'), 'the first state');
    Date.now = () => realNow() - 5 * 60_000;
    await new Promise((resolve) => setTimeout(resolve, 2100));
    room.typing();
    room.set({ color: 'plum' });
    await eventually(() => posts.filter((p) => p === 'room-state').length === 2, 'the second state', 1500);
    expect(posts.filter((p) => p === 'room-typing')).to.have.length(2);
  });

  it('someone else typing runs out after its seconds, though the clock went back meanwhile', async () => {
    await server.enterAs('k-bea', ROOM);
    const element = await roomWithTyping(ROOM);
    await eventually(
      async () => (await server.roomTick(), getPresenceStore(ENDPOINT).room(ROOM).count === 2),
      'both in',
    );
    const text = () => element.shadowRoot!.querySelector('[part~="label"]')!.textContent!.trim();
    await server.typingAs('k-bea', ROOM, true);
    await eventually(async () => (await server.roomTick(), text() === 'Bea is typing…'), 'typing shows');
    Date.now = () => realNow() - 5 * 60_000;
    // 2 s after the signal, with no frame needed (as without the clock change).
    await eventually(() => text() === '', 'it runs out', 4000);
    await server.leaveAs('k-bea');
  });
});
