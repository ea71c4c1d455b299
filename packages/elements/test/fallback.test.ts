import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { PresenceChange, PresenceDot, PresenceStatus } from '../src/index.js';
import '../src/define.js';
import { dotOf, eventSources, eventually } from './support/helpers.js';

// No endpoint on the page: every element computes from `last-seen` and the window,
// here set by the meta tag to 10 s + 5 s margin.
describe('fallback without an endpoint', () => {
  let meta: HTMLMetaElement;
  before(() => {
    meta = document.createElement('meta');
    meta.name = 'presence-window';
    meta.content = '10 5';
    document.head.append(meta);
  });
  after(() => meta.remove());
  afterEach(() => fixtureCleanup());

  const ago = (seconds: number) => String(Date.now() - seconds * 1000);

  it('computes online from last-seen and the window, with hysteresis for server-rendered online', async () => {
    const list = await fixture(
      html`<div>
        <presence-dot uid="1" last-seen=${ago(3)}></presence-dot>
        <presence-dot uid="2" last-seen=${ago(12)}></presence-dot>
        <presence-dot uid="3" last-seen=${ago(12)} online></presence-dot>
        <presence-dot uid="4" last-seen=${ago(16)} online></presence-dot>
        <presence-dot uid="5"></presence-dot>
        <presence-dot uid="6" last-seen=${new Date(Date.now() - 2000).toISOString()}></presence-dot>
        <presence-dot uid="7" last-seen=${String(Math.floor(Date.now() / 1000) - 2)}></presence-dot>
      </div>`,
    );
    const dots = [...list.querySelectorAll('presence-dot')];
    expect(dots.map((dot) => dot.state)).to.deep.equal([
      'online',
      'away',
      'online',
      'away',
      'offline',
      'online',
      'online',
    ]);
    expect(dots.every((dot) => !dot.status.live)).to.equal(true);
    expect(eventSources).to.have.length(0);
  });

  it('turns grey by itself when the window passes, and says so with presence-change', async () => {
    const dot = await fixture<PresenceDot>(html`<presence-dot uid="8" last-seen=${ago(9.7)}></presence-dot>`);
    expect(dot.state).to.equal('online');
    const changes: PresenceChange[] = [];
    dot.addEventListener('presence-change', (event) => changes.push(event.detail));
    await eventually(() => dot.state === 'away', 'the dot greys when the window passes');
    expect(changes).to.have.length(1);
    expect(changes[0]).to.include({ uid: '8', online: false });
    expect(dotOf(dot)!.getAttribute('aria-label')).to.match(/^last seen /);
  });

  it('labels from last-seen, bucketed', async () => {
    const status = await fixture<PresenceStatus>(
      html`<presence-status uid="9" last-seen=${ago(125)}></presence-status>`,
    );
    expect(status.shadowRoot!.querySelector('[part~="label"]')!.textContent).to.equal('last seen 2m ago');
    // The shared timer is due when the label next changes (at 3m), not every second.
    expect(status.msUntilChange()).to.be.within(50_000, 56_000);
  });

  it('ticks labels live from the one shared timer, writing text only when it changes', async () => {
    const status = await fixture<PresenceStatus>(
      html`<presence-status uid="12" last-seen=${ago(59.8)}></presence-status>`,
    );
    const label = status.shadowRoot!.querySelector('[part~="label"]')!;
    expect(label.textContent).to.equal('last seen just now');
    const writes: MutationRecord[] = [];
    const observer = new MutationObserver((records) => writes.push(...records));
    observer.observe(status.shadowRoot!, { subtree: true, childList: true, characterData: true, attributes: true });
    // Refreshing with nothing new to say writes nothing.
    status.refresh();
    status.refresh();
    await status.updateComplete;
    expect(writes).to.have.length(0);

    await eventually(() => label.textContent === 'last seen 1m ago', 'the label moves on by itself');
    observer.disconnect();
    expect(writes.length).to.be.at.least(1);
  });

  it('never says "in 2 minutes" for a last-seen ahead of this clock', async () => {
    const status = await fixture<PresenceStatus>(
      html`<presence-status uid="10" last-seen=${ago(-120)}></presence-status>`,
    );
    expect(status.shadowRoot!.querySelector('[part~="label"]')!.textContent).to.equal('online');
  });
});
