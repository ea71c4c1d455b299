import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import type { PresenceDot } from '../src/index.js';
import '../src/define.js';
import { ENDPOINT, eventually, openEventSources, server } from './support/helpers.js';

// The server states a 2 s write period in its hello: the page reports at most that often.
const WRITE_SECONDS = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const reports = async () => (await server.traffic()).reports;
const watching = async () => {
  const dot = await fixture<PresenceDot>(html`<presence-dot uid="bob" endpoint=${ENDPOINT}></presence-dot>`);
  await eventually(() => dot.status.live, 'the snapshot arrives');
  return dot;
};
/** Real input through the browser (not synthetic events): a mouse move and a key press. */
let x = 10;
const interact = async () => {
  x = x === 10 ? 40 : 10;
  await sendMouse({ type: 'move', position: [x, 10] });
  await sendKeys({ press: 'Shift' });
};

describe('activity from the page', () => {
  beforeEach(async () => {
    await server.reset({ writeSeconds: WRITE_SECONDS });
    await server.signIn('ada');
  });
  afterEach(async () => {
    fixtureCleanup();
    await eventually(() => openEventSources().length === 0, 'the stream closes with the last element');
    // Whatever a test left pending is sent or dropped before the next one counts.
    await sleep(WRITE_SECONDS * 1000 + 200);
  });

  it('reports the interactions of a visible page as the signed-in user’s activity, at most once per write period', async () => {
    await watching();
    await server.traffic(true);
    await interact();
    await eventually(async () => (await reports()) === 1, 'the first interaction is reported at once');
    expect(await server.lastSeen('ada')).to.be.a('number');

    // More interactions inside the period: no second report until it ends, then exactly one.
    const first = performance.now();
    for (let i = 0; i < 4; i += 1) {
      await interact();
      await sleep(300);
    }
    expect(performance.now() - first).to.be.below(WRITE_SECONDS * 1000);
    expect(await reports()).to.equal(1);
    await eventually(async () => (await reports()) === 2, 'one report when the period ends');

    // Untouched for a whole period: nothing more.
    await sleep(WRITE_SECONDS * 1000 + 500);
    expect(await reports()).to.equal(2);
  });

  it('reports nothing from a hidden page, however much it is used', async () => {
    await watching();
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    try {
      await server.traffic(true);
      for (let i = 0; i < 3; i += 1) await interact();
      await sleep(WRITE_SECONDS * 1000 + 500);
      expect(await reports()).to.equal(0);
      expect(await server.lastSeen('ada')).to.equal(null);
    } finally {
      delete (document as { visibilityState?: DocumentVisibilityState }).visibilityState;
      document.dispatchEvent(new Event('visibilitychange'));
    }
  });

  it('reports nothing while no element watches anyone (no listeners, no connection)', async () => {
    await server.traffic(true);
    for (let i = 0; i < 3; i += 1) await interact();
    await sleep(1500);
    expect(await reports()).to.equal(0);
  });
});
