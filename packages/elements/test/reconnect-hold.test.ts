import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { PresenceDot } from '../src/index.js';
import '../src/define.js';
import { ENDPOINT, eventually, openEventSources, server } from './support/helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every state the dot shows, and every presence-change it fires, from now on. */
function record(dot: PresenceDot): { shown: string[]; stop(): void } {
  const shown: string[] = [];
  const observer = new MutationObserver(() =>
    shown.push(`${dot.state} "${dot.shadowRoot!.querySelector('[part~="dot"]')?.getAttribute('aria-label')}"`),
  );
  observer.observe(dot, { attributes: true, attributeFilter: ['state'] });
  observer.observe(dot.shadowRoot!, { attributes: true, subtree: true, attributeFilter: ['aria-label'] });
  const onChange = (event: HTMLElementEventMap['presence-change']) =>
    shown.push(`presence-change online=${event.detail.online}`);
  dot.addEventListener('presence-change', onChange);
  return { shown, stop: () => (observer.disconnect(), dot.removeEventListener('presence-change', onChange)) };
}

// A short real window (2 s + 1 s margin), since the bug needs real time to pass on the page.
// The page also carries it in a meta tag, as pages used to copy it by hand: before the
// fix that made the dot age the snapshot's last_seen against the right window.
describe('a stream that drops while someone is online', () => {
  let meta: HTMLMetaElement;
  before(async () => {
    await server.reset({ timeoutSeconds: 2, marginSeconds: 1 });
    meta = Object.assign(document.createElement('meta'), { name: 'presence-window', content: '2 1' });
    document.head.append(meta);
  });
  after(async () => {
    meta.remove();
    await server.reset();
  });
  afterEach(async () => {
    fixtureCleanup();
    await eventually(() => openEventSources().length === 0, 'the stream closes with the last element');
  });

  it('keeps a user active for 3x the window green through a server restart: no grey frame', async function () {
    this.timeout(30_000);
    await server.touch('hold-1');
    const dot = await fixture<PresenceDot>(
      html`<presence-dot uid="hold-1" endpoint=${ENDPOINT}>
        <img src="/packages/elements/test/avatar.svg" width="40" height="40" alt="Ada" />
      </presence-dot>`,
    );
    await eventually(() => dot.status.live && dot.state === 'online', 'the dot goes live, green');
    const recording = record(dot);

    // Active for 6.5 s: every request moves last_seen on the server, but nothing flips,
    // so no frame carries it and the page still holds the snapshot's last_seen.
    for (const end = Date.now() + 6500; Date.now() < end; await sleep(400)) await server.touch('hold-1');
    await server.restart();
    await eventually(() => !dot.status.live, 'the page notices the drop');
    await eventually(() => dot.status.live, 'the page reconnects and gets a snapshot', 8000);

    recording.stop();
    expect(dot.state).to.equal('online');
    // The new snapshot may bring a fresher last_seen (a presence-change, still online); never a grey frame.
    expect(recording.shown.filter((shown) => shown !== 'presence-change online=true')).to.deep.equal([]);
  });

  it('lets go window + margin after the drop when no snapshot says otherwise', async function () {
    this.timeout(20_000);
    await server.touch('hold-2');
    const dot = await fixture<PresenceDot>(html`<presence-dot uid="hold-2" endpoint=${ENDPOINT}></presence-dot>`);
    await eventually(() => dot.status.live && dot.state === 'online', 'the dot goes live, green');
    await sleep(1500);

    await server.down();
    await eventually(() => !dot.status.live, 'the page notices the drop');
    const droppedAt = Date.now();
    expect(dot.status.online).to.equal(true);
    await eventually(() => dot.state === 'away', 'the dot turns grey once the hold ends', 6000);
    // Timeout + margin (3 s) after the drop, not after the snapshot's last_seen (1.5 s earlier).
    expect(Date.now() - droppedAt).to.be.within(2500, 4500);
    await server.up();
  });
});
