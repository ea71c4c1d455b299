import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { PresenceStatus } from '../src/index.js';
import '../src/define.js';

const realNow = Date.now.bind(Date);
/** This device's clock runs `ms` ahead of the server's (negative: behind). */
function skewDeviceClock(ms: number): void {
  Date.now = () => realNow() + ms;
}

const label = (status: PresenceStatus) => status.shadowRoot!.querySelector('[part~="label"]')!.textContent;

// Server-rendered elements on a page with NO endpoint: nothing but the markup ever tells
// them the server's time. The server's clock is the real one here.
describe('a device clock 5 minutes off, before (or without) any stream', () => {
  afterEach(() => {
    Date.now = realNow;
    fixtureCleanup();
  });

  it('5 minutes fast: someone online says "online", not "last seen 5m ago"', async () => {
    skewDeviceClock(5 * 60_000);
    const rendered = realNow();
    const status = await fixture<PresenceStatus>(
      html`<presence-status
        uid="7"
        last-seen=${rendered - 2000}
        online
        server-now=${rendered}
        server-window="10 5"
      ></presence-status>`,
    );
    expect(status.state).to.equal('online');
    expect(label(status)).to.equal('online');
  });

  it('5 minutes slow: someone seen a minute ago says "last seen 1m ago", not "online"', async () => {
    skewDeviceClock(-5 * 60_000);
    const rendered = realNow();
    const status = await fixture<PresenceStatus>(
      html`<presence-status
        uid="7"
        last-seen=${rendered - 61_000}
        server-now=${rendered}
        server-window="10 5"
      ></presence-status>`,
    );
    expect(status.state).to.equal('away');
    expect(label(status)).to.equal('last seen 1m ago');
  });

  it('applies the window the server rendered, not the page default (60 s + 20 s)', async () => {
    const rendered = realNow();
    const status = await fixture<PresenceStatus>(
      html`<presence-status
        uid="7"
        last-seen=${rendered - 3000}
        online
        server-now=${rendered}
        server-window="2 0"
      ></presence-status>`,
    );
    expect(status.state).to.equal('away');
  });
});
