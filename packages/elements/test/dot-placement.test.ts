import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { PresenceDot } from '../src/index.js';
import '../src/define.js';
import { dotOf } from './support/helpers.js';

const AVATAR = '/packages/elements/test/avatar.svg';

async function place(size: number, radius: string, shape?: string) {
  const element = await fixture<PresenceDot>(
    html`<presence-dot uid="1" last-seen=${Date.now()} shape=${shape ?? 'auto'}>
      <img src=${AVATAR} width=${size} height=${size} alt="Ada" style="border-radius: ${radius}; display: block" />
    </presence-dot>`,
  );
  const dot = dotOf(element)!.getBoundingClientRect();
  const image = element.querySelector('img')!.getBoundingClientRect();
  const ring = parseFloat(getComputedStyle(dotOf(element)!).boxShadow.split(' ').at(-1)!);
  return {
    dot,
    image,
    ring,
    /** The dot's centre relative to the avatar's centre. */
    centre: { x: dot.x + dot.width / 2 - (image.x + size / 2), y: dot.y + dot.height / 2 - (image.y + size / 2) },
  };
}

describe('<presence-dot> placement on round and square avatars', () => {
  afterEach(() => fixtureCleanup());

  for (const radius of ['50%', '80px', '9999px']) {
    it(`sits on a round avatar's edge at 45° (border-radius ${radius}), not 23px outside it`, async () => {
      const { dot, centre } = await place(160, radius);
      expect(dot.width).to.equal(14);
      expect(Math.hypot(centre.x, centre.y)).to.be.closeTo(80, 0.5);
      expect(centre.x).to.be.closeTo(centre.y, 0.5);
      expect(centre.x).to.be.greaterThan(0);
    });
  }

  it('sits in the corner of a square or rounded-square avatar', async () => {
    for (const radius of ['0', '12px']) {
      const { dot, image } = await place(160, radius);
      expect(dot.right).to.be.closeTo(image.right, 0.5);
      expect(dot.bottom).to.be.closeTo(image.bottom, 0.5);
    }
  });

  it('takes shape="round" or shape="square" when the avatar cannot tell (a wrapper clips it, or it changes later)', async () => {
    const round = await place(160, '0', 'round');
    expect(Math.hypot(round.centre.x, round.centre.y)).to.be.closeTo(80, 0.5);
    const square = await place(160, '50%', 'square');
    expect(square.dot.right).to.be.closeTo(square.image.right, 0.5);
  });

  for (const radius of ['50%', '0']) {
    it(`still reads as a badge on a 16px avatar (border-radius ${radius}): 8px, on the corner, clear of the face`, async () => {
      const { dot, image, ring, centre } = await place(16, radius);
      expect(dot.width).to.equal(8);
      // In the bottom-right, overhanging a little rather than growing inward over the avatar…
      expect(centre.x).to.be.closeTo(centre.y, 0.5);
      expect(dot.right).to.be.within(image.right, image.right + 3);
      // …and the dot with its ring never reaches the avatar's centre.
      expect(Math.hypot(centre.x, centre.y)).to.be.greaterThan(dot.width / 2 + ring);
    });
  }
});
