import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import type { PresenceDot } from '../src/index.js';
import '../src/define.js';
import { ENDPOINT, eventually, openEventSources, server } from './support/helpers.js';

describe('activity reports to a server older than them', () => {
  before(async () => {
    await server.reset({ writeSeconds: 1 });
    await server.signIn('ada');
    await server.withoutActivityRoute();
  });
  afterEach(async () => {
    fixtureCleanup();
    await eventually(() => openEventSources().length === 0, 'the stream closes with the last element');
  });

  it('stops after the first report is answered 404, however much the page is used', async () => {
    const dot = await fixture<PresenceDot>(html`<presence-dot uid="bob" endpoint=${ENDPOINT}></presence-dot>`);
    await eventually(() => dot.status.live, 'the snapshot arrives');
    await server.traffic(true);
    await sendMouse({ type: 'move', position: [10, 10] });
    await eventually(async () => (await server.traffic()).reports === 1, 'one report');
    for (let i = 0; i < 8; i += 1) {
      await sendMouse({ type: 'move', position: [20 + (i % 2) * 20, 10] });
      await new Promise((resolve) => setTimeout(resolve, 400));
    }
    expect((await server.traffic()).reports).to.equal(1);
  });
});
