import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { OnlineNow, PresenceDot, PresenceStatus } from '../src/index.js';
import '../src/define.js';
import { contrastRatio, SURFACES } from './support/contrast.js';
import { dotOf, eventually } from './support/helpers.js';

// Server-rendered idle people (a server with idle on writes `online idle`), no stream: what the markup says holds.
const twelveMinutesAgo = () => Date.now() - 12 * 60_000 - 5_000;
const part = (element: Element, name: string) => element.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

describe('the idle look', () => {
  afterEach(async () => {
    fixtureCleanup();
    await emulateMedia({ colorScheme: 'light' });
  });

  it('shows a server-rendered idle person as idle, named "idle for 12m", until the page has been open a window + margin', async () => {
    const box = await fixture<HTMLDivElement>(
      html`<div>
        <presence-dot uid="bea" online idle last-seen=${twelveMinutesAgo()} server-now=${Date.now()}></presence-dot>
        <presence-status uid="bea" online idle last-seen=${twelveMinutesAgo()}></presence-status>
      </div>`,
    );
    const dot = box.querySelector<PresenceDot>('presence-dot')!;
    const status = box.querySelector<PresenceStatus>('presence-status')!;
    expect(dot.state).to.equal('idle');
    expect(dot.getAttribute('state')).to.equal('idle');
    expect(dot.status).to.include({ online: true, idle: true, live: false });
    expect(dotOf(dot)!.getAttribute('aria-label')).to.equal('idle for 12m');
    // The exact time of the last activity is the description, as for someone seen before.
    expect(dotOf(dot)!.getAttribute('aria-description')).to.be.a('string').and.not.equal('');
    expect(part(status, 'label')!.textContent).to.equal('idle for 12m');
    expect(status.state).to.equal('idle');
    // The label ticks with the shared timer, at the next minute of idleness.
    expect(dot.msUntilChange()).to.be.within(1, 60_000);
  });

  it('differs from online and offline by shape: an amber ring filled to half', async () => {
    const box = await fixture<HTMLDivElement>(
      html`<div>
        <presence-dot uid="a" online last-seen=${Date.now()}></presence-dot>
        <presence-dot uid="b" online idle last-seen=${twelveMinutesAgo()}></presence-dot>
        <presence-dot uid="c" last-seen=${twelveMinutesAgo()}></presence-dot>
      </div>`,
    );
    const [online, idle, away] = [...box.querySelectorAll('presence-dot')].map((d) => getComputedStyle(dotOf(d)!));
    expect(online!.backgroundImage).to.equal('none');
    expect(away!.backgroundImage).to.equal('none');
    expect(idle!.backgroundImage).to.equal('linear-gradient(to top, rgb(154, 103, 0) 50%, rgba(0, 0, 0, 0) 50%)');
    expect(idle!.backgroundColor).to.equal('rgb(255, 255, 255)');
    expect(idle!.borderTopColor).to.equal('rgb(154, 103, 0)');
    expect(parseFloat(idle!.borderTopWidth)).to.be.at.least(2);
  });

  it('is themable with --presence-idle-color and --presence-idle-fill', async () => {
    const dot = await fixture<PresenceDot>(
      html`<presence-dot
        style="--presence-idle-color: rgb(200, 0, 0); --presence-idle-fill: rgb(0, 0, 50)"
        uid="b"
        online
        idle
        last-seen=${twelveMinutesAgo()}
      ></presence-dot>`,
    );
    const style = getComputedStyle(dotOf(dot)!);
    expect(style.borderTopColor).to.equal('rgb(200, 0, 0)');
    expect(style.backgroundImage).to.equal('linear-gradient(to top, rgb(200, 0, 0) 50%, rgba(0, 0, 0, 0) 50%)');
    expect(style.backgroundColor).to.equal('rgb(0, 0, 50)');
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`keeps the idle colour at 3:1 or more against the gallery's ${scheme} surfaces`, async () => {
      await emulateMedia({ colorScheme: scheme });
      const dot = await fixture<PresenceDot>(
        html`<presence-dot uid="b" online idle last-seen=${twelveMinutesAgo()}></presence-dot>`,
      );
      const colour = getComputedStyle(dotOf(dot)!).borderTopColor;
      for (const surface of SURFACES[scheme])
        expect(contrastRatio(colour, surface), `idle ${colour} on ${surface}`).to.be.at.least(3);
    });
  }

  it('turns offline by itself once the page has been open a window + margin past the render, with no stream', async () => {
    const dot = await fixture<PresenceDot>(
      html`<presence-dot uid="b" online idle last-seen=${twelveMinutesAgo()} server-window="1 1"></presence-dot>`,
    );
    expect(dot.state).to.equal('idle');
    await eventually(() => dot.state === 'away', 'the fallback greys it after 2 s', 4000);
  });
});

describe('<online-now> with idle people', () => {
  afterEach(() => fixtureCleanup());
  const roster = (hide: boolean) =>
    fixture<OnlineNow>(
      html`<online-now ?hide-idle=${hide} names-toggle
        ><script type="application/json">
          ${JSON.stringify({
            t: Date.now(),
            count: 3,
            users: [
              { uid: 'a', name: 'Ada', avatar: null, last_seen: 1 },
              { uid: 'b', name: 'Bea', avatar: null, last_seen: 1, idle: true },
              { uid: 'c', name: 'Cy', avatar: null, last_seen: 1 },
            ],
          })}
        </script></online-now
      >`,
    );
  const avatars = (element: OnlineNow) =>
    [...element.shadowRoot!.querySelectorAll('[part~="avatar"]')].map((avatar) => avatar.getAttribute('aria-label'));

  it('shows idle people dimmed, counted, and named as idle for assistive technology', async () => {
    const element = await roster(false);
    expect(avatars(element)).to.deep.equal(['Ada', 'Bea (idle)', 'Cy']);
    expect(part(element, 'count')!.textContent).to.equal('3');
    expect(element.people.map((entry) => entry.idle ?? false)).to.deep.equal([false, true, false]);
    const items = [...element.shadowRoot!.querySelectorAll('[part~="item"]')];
    expect(items.map((item) => item.classList.contains('idle'))).to.deep.equal([false, true, false]);
    const bea = items[1]!;
    expect(getComputedStyle(bea.querySelector('[part~="dot"]')!).backgroundImage).to.match(/^linear-gradient/);
    part(element, 'toggle')!.click();
    await element.updateComplete;
    expect([...part(element, 'names')!.querySelectorAll('li')].map((li) => li.textContent)).to.deep.equal([
      'Ada',
      'Bea (idle)',
      'Cy',
    ]);
  });

  it('leaves idle people out with hide-idle, and counts only the people shown', async () => {
    const element = await roster(true);
    expect(avatars(element)).to.deep.equal(['Ada', 'Cy']);
    expect(part(element, 'count')!.textContent).to.equal('2');
    expect(element.count).to.equal(2);
    element.hideIdle = false;
    await element.updateComplete;
    expect(avatars(element)).to.deep.equal(['Ada', 'Bea (idle)', 'Cy']);
  });
});
