import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import type { OnlineNow, PresenceChangeEvent, PresenceDot, PresenceStatus } from '../src/index.js';
import '../src/define.js';
import { ENDPOINT, eventually, openEventSources, server } from './support/helpers.js';

// A server with idle on, in real Chromium: idle states arrive in frames and rosters.
const part = (element: Element, name: string) => element.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('idle, live from a server with idle on', () => {
  afterEach(async () => {
    fixtureCleanup();
    await eventually(() => openEventSources().length === 0, 'the stream closes with the last element');
  });

  it('shows someone whose page is open but untouched as idle (dot, label, roster, presence-change), and online again on activity', async () => {
    // 10 s window, 5 s margin; idle after 60 s without activity. Server time moves by hand.
    await server.reset({ idle: true, idleSeconds: 60 });
    await server.openPage('bea');
    await server.touch('bea', { name: 'Bea' });
    const box = await fixture<HTMLDivElement>(
      html`<div>
        <presence-dot uid="bea" endpoint=${ENDPOINT}></presence-dot>
        <presence-status uid="bea" endpoint=${ENDPOINT}></presence-status>
        <online-now endpoint=${ENDPOINT}></online-now>
      </div>`,
    );
    const dot = box.querySelector<PresenceDot>('presence-dot')!;
    const status = box.querySelector<PresenceStatus>('presence-status')!;
    const roster = box.querySelector<OnlineNow>('online-now')!;
    const states: string[] = [];
    dot.addEventListener('presence-change', (event: PresenceChangeEvent) => states.push(event.state));
    await eventually(() => dot.status.live && dot.state === 'online', 'she starts online');
    await eventually(() => roster.count === 1, 'she is in the roster');

    await server.advance(66); // idleSeconds + margin + 1: her page is open, her last activity is not recent
    await server.tick();
    await eventually(() => dot.state === 'idle', 'her dot turns idle');
    expect(dot.status).to.include({ online: true, idle: true, live: true });
    expect(part(dot, 'dot')!.getAttribute('aria-label')).to.equal('idle for 1m');
    await eventually(() => part(status, 'label')!.textContent === 'idle for 1m', 'the label says so');
    await eventually(() => roster.people[0]?.idle === true, 'the roster marks her idle, still counted');
    expect(roster.count).to.equal(1);
    expect(part(roster, 'avatar')!.getAttribute('aria-label')).to.equal('Bea (idle)');
    expect(states).to.deep.equal(['idle']);

    await server.touch('bea');
    await server.tick();
    await eventually(() => dot.state === 'online', 'active again: online');
    await eventually(() => !roster.people[0]?.idle, 'and so in the roster');
    expect(states).to.deep.equal(['idle', 'online']);

    await server.closePage('bea');
    await server.advance(16);
    await server.tick();
    await eventually(() => dot.state === 'away', 'no page open and the window passed: offline');
    expect(states).to.deep.equal(['idle', 'online', 'offline']);
  });

  it('holds a vouched idle status while the stream is down, like an online one', async () => {
    await server.reset({ idle: true, idleSeconds: 60 });
    await server.openPage('cy');
    await server.touch('cy');
    const dot = await fixture<PresenceDot>(html`<presence-dot uid="cy" endpoint=${ENDPOINT}></presence-dot>`);
    await eventually(() => dot.status.live && dot.state === 'online', 'online');
    await server.advance(66);
    await server.tick();
    await eventually(() => dot.state === 'idle', 'idle');
    await server.down();
    await eventually(() => !dot.status.live, 'the stream dropped');
    expect(dot.state).to.equal('idle');
    await server.up();
  });

  it('keeps the page’s own user online while they interact, idle once they stop or hide the tab, never offline', async function () {
    this.timeout(40_000);
    // Real time: a 4 s window, 1 s margin, idle after 2 s, reports at most every second.
    await server.reset({ timeoutSeconds: 4, marginSeconds: 1, writeSeconds: 1, idle: true, idleSeconds: 2 });
    await server.signIn('ada');
    const dot = await fixture<PresenceDot>(html`<presence-dot uid="ada" endpoint=${ENDPOINT}></presence-dot>`);
    await eventually(() => dot.status.live, 'live');
    const interact = async (ms: number) => {
      for (let i = 0, until = performance.now() + ms; performance.now() < until; i += 1) {
        await sendMouse({ type: 'move', position: [10 + (i % 2) * 30, 10] });
        await sleep(250);
      }
    };
    await interact(3000);
    expect(dot.state).to.equal('online');
    await eventually(() => dot.state === 'idle', 'stopped: idle after idleSeconds + margin', 8000);
    await sleep(6000); // past window + margin: an open page is never offline
    expect(dot.state).to.equal('idle');

    await interact(1500);
    await eventually(() => dot.state === 'online', 'back: online', 4000);
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    try {
      // Used while hidden (it cannot be, really): nothing is reported, so idle.
      const hiddenUse = interact(8000);
      await eventually(() => dot.state === 'idle', 'a hidden tab turns idle, not offline', 8000);
      await hiddenUse;
      expect(dot.state).to.equal('idle');
    } finally {
      delete (document as { visibilityState?: DocumentVisibilityState }).visibilityState;
      document.dispatchEvent(new Event('visibilitychange'));
    }
  });
});
