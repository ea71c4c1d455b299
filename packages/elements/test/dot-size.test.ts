import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { PresenceDot } from '../src/index.js';
import '../src/define.js';
import { dotOf } from './support/helpers.js';

describe('<presence-dot> size, placement and colour', () => {
  afterEach(async () => {
    fixtureCleanup();
    await emulateMedia({ colorScheme: 'light' });
  });

  for (const [avatar, expected] of [
    [16, 8],
    [40, 11.2],
    [160, 14],
  ] as const) {
    it(`stays within 8-14px on a ${avatar}px avatar, in its bottom-right corner`, async () => {
      const element = await fixture<PresenceDot>(
        html`<presence-dot uid="1" last-seen=${Date.now()}>
          <img src="/packages/elements/test/avatar.svg" width=${avatar} height=${avatar} alt="Alice" />
        </presence-dot>`,
      );
      const dot = dotOf(element)!.getBoundingClientRect();
      const image = element.querySelector('img')!.getBoundingClientRect();
      expect(dot.width).to.be.within(8, 14);
      expect(dot.height).to.equal(dot.width);
      expect(dot.width).to.be.closeTo(expected, 0.1);
      // A dot clamped up (16px) overhangs the corner by half its growth (see dot-placement.test.ts).
      const overhang = Math.max(0, (expected - avatar * 0.28) / 2);
      expect(dot.right).to.be.closeTo(image.right + overhang, 0.5);
      expect(dot.bottom).to.be.closeTo(image.bottom + overhang, 0.5);
      // The dot hugs the avatar: the host box is the avatar's box.
      expect(element.getBoundingClientRect().height).to.be.closeTo(avatar, 0.5);
    });
  }

  it('sits inline on its own, and takes --presence-dot-size', async () => {
    const alone = await fixture<PresenceDot>(html`<presence-dot uid="1"></presence-dot>`);
    expect(dotOf(alone)!.getBoundingClientRect().width).to.equal(10);
    const themed = await fixture<PresenceDot>(
      html`<presence-dot uid="1" style="--presence-dot-size: 12px">
        <img src="/packages/elements/test/avatar.svg" width="160" height="160" alt="" />
      </presence-dot>`,
    );
    expect(dotOf(themed)!.getBoundingClientRect().width).to.equal(12);
  });

  it('is filled green online and a hollow grey ring otherwise, themeable with custom properties', async () => {
    const online = await fixture<PresenceDot>(html`<presence-dot uid="1" last-seen=${Date.now()}></presence-dot>`);
    const away = await fixture<PresenceDot>(
      html`<presence-dot uid="2" last-seen=${Date.now() - 3_600_000}></presence-dot>`,
    );
    expect(getComputedStyle(dotOf(online)!).backgroundColor).to.equal('rgb(31, 136, 61)');
    expect(getComputedStyle(dotOf(away)!).borderTopColor).to.equal('rgb(110, 119, 129)');
    expect(getComputedStyle(dotOf(away)!).backgroundColor).to.equal('rgb(255, 255, 255)');
    const themed = await fixture<HTMLDivElement>(
      html`<div style="--presence-online-color: rgb(0, 0, 255)">
        <presence-dot uid="1" last-seen=${Date.now()}></presence-dot>
      </div>`,
    );
    expect(getComputedStyle(dotOf(themed.querySelector('presence-dot')!)!).backgroundColor).to.equal('rgb(0, 0, 255)');
  });

  it('has dark-mode defaults that custom properties still override', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    const online = await fixture<PresenceDot>(
      html`<presence-dot uid="1" last-seen=${Date.now()}
        ><img width="40" height="40" alt="" src="/packages/elements/test/avatar.svg"
      /></presence-dot>`,
    );
    const dot = getComputedStyle(dotOf(online)!);
    expect(dot.backgroundColor).to.equal('rgb(63, 185, 80)');
    expect(dot.boxShadow).to.include('rgb(13, 17, 23)');
    online.style.setProperty('--presence-ring-color', 'rgb(1, 2, 3)');
    expect(getComputedStyle(dotOf(online)!).boxShadow).to.include('rgb(1, 2, 3)');
  });
});
