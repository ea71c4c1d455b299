import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { PresenceDot } from '../src/index.js';
import '../src/define.js';
import { ENDPOINT, allLive, eventSources, eventually, openEventSources, server } from './support/helpers.js';

function dot(list: Element, uid: string): PresenceDot {
  return list.querySelector<PresenceDot>(`presence-dot[uid="${uid}"]`)!;
}

// Window 10 s, margin 5 s.
describe('recovery', () => {
  before(() => server.reset());
  afterEach(async () => {
    fixtureCleanup();
    await eventually(() => openEventSources().length === 0, 'the stream closes with the last element');
  });

  it('recovers by itself after a server restart, with the state of the new server', async () => {
    await server.touch('rs-a');
    await server.touch('rs-b');
    const list = await fixture(
      html`<div>
        ${['rs-a', 'rs-b', 'rs-c'].map((uid) => html`<presence-dot uid=${uid} endpoint=${ENDPOINT}></presence-dot>`)}
      </div>`,
    );
    await eventually(() => allLive(list.querySelectorAll('presence-dot')), 'the dots go live');
    expect(['rs-a', 'rs-b', 'rs-c'].map((uid) => dot(list, uid).state)).to.deep.equal(['online', 'online', 'offline']);

    // The server restarts 16 s later (past window + margin for everyone); meanwhile a and c are active again.
    await server.restart(16);
    await server.touch('rs-a');
    await server.touch('rs-c');
    await eventually(
      () => ['rs-a', 'rs-b', 'rs-c'].map((uid) => dot(list, uid).state).join() === 'online,away,online',
      'the dots show the new server state',
    );
    expect(allLive(list.querySelectorAll('presence-dot'))).to.equal(true);
    expect(openEventSources()).to.have.length(1);
    expect((await server.stats()).connections).to.equal(1);
  });

  it('reconnects with backoff after errors the browser gives up on (a 503 while the server is down)', async () => {
    await server.touch('rs-d');
    const element = await fixture<PresenceDot>(html`<presence-dot uid="rs-d" endpoint=${ENDPOINT}></presence-dot>`);
    await eventually(() => element.status.live && element.state === 'online', 'the dot goes live');
    const opened = eventSources.length;

    await server.down();
    await eventually(() => !element.status.live, 'the dot knows the stream is down');
    // Meanwhile it falls back to its last known facts and the window: still online.
    expect(element.state).to.equal('online');
    // At least one attempt fails with a 503, which EventSource never retries by itself.
    await eventually(
      () => eventSources.length > opened && eventSources.at(-1)!.readyState === EventSource.CLOSED,
      'a retry is refused',
    );

    await server.up();
    await eventually(() => element.status.live, 'the dot is live again', 8000);
    expect(element.state).to.equal('online');
    expect(openEventSources()).to.have.length(1);
  });
});
