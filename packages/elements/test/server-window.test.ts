import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { PresenceDot } from '../src/index.js';
import { getPresenceStore } from '../src/index.js';
import '../src/define.js';
import { ENDPOINT, eventually, openEventSources, server } from './support/helpers.js';

// The page carries no presence-window meta: the default would be 60 s + 20 s.
describe('the window the server states in its snapshot', () => {
  before(() => server.reset({ timeoutSeconds: 1, marginSeconds: 0 }));
  after(() => server.reset());
  afterEach(async () => {
    fixtureCleanup();
    await eventually(() => openEventSources().length === 0, 'the stream closes with the last element');
  });

  it('is what the store knows and what the fallback applies once the stream is gone', async function () {
    this.timeout(15_000);
    await server.touch('win-1');
    const dot = await fixture<PresenceDot>(html`<presence-dot uid="win-1" endpoint=${ENDPOINT}></presence-dot>`);
    await eventually(() => dot.status.live && dot.state === 'online', 'the dot goes live, green');
    expect(getPresenceStore(ENDPOINT).window).to.deep.equal({ timeoutSeconds: 1, marginSeconds: 0 });

    await server.down();
    // The server's 1 s (margin 0) after the drop, not the page's default 80 s.
    await eventually(() => dot.state === 'away', "the dot greys by the server's window", 4000);
    await server.up();
  });
});
