import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { PresenceDot } from '../src/index.js';
import '../src/define.js';
import { ENDPOINT, allLive, eventually, openEventSources, server } from './support/helpers.js';

// Window 10 s, margin 5 s.
describe('a subscribe the server cannot answer at once', () => {
  before(() => server.reset());
  afterEach(async () => {
    fixtureCleanup();
    await server.releaseSubscribes();
    await eventually(() => openEventSources().length === 0, 'the stream closes with the last element');
  });

  it('still in flight when the stream reconnects: the new session subscribes once the old request answers', async () => {
    await server.touch('ss-a');
    await server.touch('ss-b');
    const list = await fixture(html`<div><presence-dot uid="ss-a" endpoint=${ENDPOINT}></presence-dot></div>`);
    await eventually(() => allLive(list.querySelectorAll('presence-dot')), 'the first dot goes live');

    // A second dot's subscribe hangs (a stalled proxy), and the server restarts meanwhile.
    await server.holdSubscribes();
    const second = document.createElement('presence-dot') as PresenceDot;
    second.setAttribute('uid', 'ss-b');
    second.setAttribute('endpoint', ENDPOINT);
    list.append(second);
    await eventually(async () => (await server.heldSubscribes()) === 1, 'the subscribe is held');
    await server.restart();
    await server.touch('ss-a');
    await server.touch('ss-b');
    await eventually(async () => (await server.stats()).connections === 1, 'the page reconnects to the new server');

    // The old session's answer comes late (404: that session is gone); the new session must still get its subscription.
    await server.releaseSubscribes();
    await eventually(
      () => allLive(list.querySelectorAll('presence-dot')) && second.state === 'online',
      'both dots live on the new session',
    );
    expect((await server.stats()).watchedUids).to.equal(2);
  });

  it('sends a change again after the server answers 503, instead of dropping it', async () => {
    await server.touch('ss-c');
    await server.busySubscribes(2);
    const element = await fixture<PresenceDot>(html`<presence-dot uid="ss-c" endpoint=${ENDPOINT}></presence-dot>`);
    await eventually(
      () => element.status.live && element.state === 'online',
      'the dot goes live once the server answers',
      8000,
    );
  });
});
