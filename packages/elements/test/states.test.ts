import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { PresenceDot, PresenceStatus } from '../src/index.js';
import '../src/define.js';
import { contrastRatio, SURFACES } from './support/contrast.js';
import { dotOf } from './support/helpers.js';

const hourAgo = () => Date.now() - 3_600_000;

/** What marks the dot: its fill, its ring's colour and thickness. */
function ink(dot: HTMLElement) {
  const style = getComputedStyle(dot);
  return { fill: style.backgroundColor, stroke: style.borderTopColor, strokeWidth: parseFloat(style.borderTopWidth) };
}

describe('online and offline differ by more than hue', () => {
  afterEach(async () => {
    fixtureCleanup();
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
  });

  it('fills the dot when online and draws a hollow ring otherwise, on <presence-dot> and <presence-status>', async () => {
    const box = await fixture<HTMLDivElement>(
      html`<div>
        <presence-dot uid="1" last-seen=${Date.now()}
          ><img src="/packages/elements/test/avatar.svg" width="40" height="40" alt=""
        /></presence-dot>
        <presence-dot uid="2" last-seen=${hourAgo()}
          ><img src="/packages/elements/test/avatar.svg" width="40" height="40" alt=""
        /></presence-dot>
        <presence-dot uid="3"
          ><img src="/packages/elements/test/avatar.svg" width="40" height="40" alt=""
        /></presence-dot>
        <presence-status uid="1" last-seen=${Date.now()}></presence-status>
        <presence-status uid="2" last-seen=${hourAgo()}></presence-status>
      </div>`,
    );
    const dots = [...box.querySelectorAll<PresenceDot | PresenceStatus>('presence-dot, presence-status')].map(
      (element) => ({
        state: element.state,
        ...ink(element.shadowRoot!.querySelector<HTMLElement>('[part~="dot"]')!),
      }),
    );
    for (const dot of dots) {
      if (dot.state === 'online') expect(dot.fill, 'online: solid').to.equal(dot.stroke);
      // Hollow: a ring at least 2px wide around a centre that is not the ring's colour.
      else {
        expect(dot.strokeWidth).to.be.at.least(2);
        expect(contrastRatio(dot.fill, dot.stroke), `${dot.state}: ring vs centre`).to.be.at.least(3);
      }
    }
    expect(dots.map((dot) => dot.state)).to.deep.equal(['online', 'away', 'offline', 'online', 'away']);
  });

  it('is themable: fill, ring thickness and colours come from --presence-* properties', async () => {
    const box = await fixture<HTMLDivElement>(
      html`<div
        style="--presence-offline-color: rgb(0, 0, 200); --presence-offline-fill: rgb(250, 250, 0); --presence-offline-stroke: 3px"
      >
        <presence-dot uid="2" last-seen=${hourAgo()}></presence-dot>
      </div>`,
    );
    expect(ink(dotOf(box.querySelector('presence-dot')!)!)).to.deep.equal({
      fill: 'rgb(250, 250, 0)',
      stroke: 'rgb(0, 0, 200)',
      strokeWidth: 3,
    });
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`keeps its default colours at 3:1 or more against the gallery's ${scheme} surfaces`, async () => {
      await emulateMedia({ colorScheme: scheme });
      const box = await fixture<HTMLDivElement>(
        html`<div>
          <presence-dot uid="1" last-seen=${Date.now()}></presence-dot>
          <presence-dot uid="2" last-seen=${hourAgo()}></presence-dot>
        </div>`,
      );
      const [online, away] = [...box.querySelectorAll('presence-dot')].map((element) => ink(dotOf(element)!));
      const colours = { online: online!.fill, offline: away!.stroke };
      for (const surface of SURFACES[scheme]) {
        for (const [name, colour] of Object.entries(colours)) {
          expect(contrastRatio(colour, surface), `${name} ${colour} on ${surface}`).to.be.at.least(3);
        }
      }
    });
  }

  it('stops every colour transition under prefers-reduced-motion', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    const dot = await fixture<PresenceDot>(html`<presence-dot uid="1" last-seen=${Date.now()}></presence-dot>`);
    const durations = getComputedStyle(dotOf(dot)!)
      .transitionDuration.split(',')
      .map((d) => d.trim());
    expect(durations).to.deep.equal(['0s', '0s']);
  });
});
