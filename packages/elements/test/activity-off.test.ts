import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import type { PresenceDot } from '../src/index.js';
import '../src/define.js';
import { ENDPOINT, eventually, openEventSources, server } from './support/helpers.js';

// Before any store exists: the site keeps to requests only.
const meta = Object.assign(document.createElement('meta'), { name: 'presence-activity', content: 'off' });
document.head.append(meta);

describe('<meta name="presence-activity" content="off">', () => {
  before(async () => {
    await server.reset({ writeSeconds: 1 });
    await server.signIn('ada');
  });
  afterEach(async () => {
    fixtureCleanup();
    await eventually(() => openEventSources().length === 0, 'the stream closes with the last element');
  });

  it('sends no activity reports, so a page used without requests records nothing', async () => {
    const dot = await fixture<PresenceDot>(html`<presence-dot uid="bob" endpoint=${ENDPOINT}></presence-dot>`);
    await eventually(() => dot.status.live, 'the snapshot arrives');
    await server.traffic(true);
    for (let i = 0; i < 3; i += 1) {
      await sendMouse({ type: 'move', position: [10 + i * 20, 10] });
      await sendKeys({ press: 'Shift' });
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await server.traffic()).reports).to.equal(0);
    expect(await server.lastSeen('ada')).to.equal(null);
  });
});
