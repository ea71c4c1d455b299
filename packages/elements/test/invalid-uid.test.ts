import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import type { PresenceDot, PresenceStatus } from '../src/index.js';
import '../src/define.js';
import { ENDPOINT, dotOf, eventSources } from './support/helpers.js';

/** Runs `body` and returns what it logged with console.warn. */
async function warnings(body: () => Promise<unknown>): Promise<string[]> {
  const warned: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void warned.push(args.map(String).join(' '));
  try {
    await body();
  } finally {
    console.warn = original;
  }
  return warned;
}

describe('an invalid uid', () => {
  afterEach(() => fixtureCleanup());

  for (const endpoint of [ENDPOINT, null]) {
    it(`draws no dot at all, like no uid, and says why in the console (${endpoint ? 'with' : 'without'} an endpoint)`, async () => {
      const opened = eventSources.length;
      let dot: PresenceDot | undefined;
      let status: PresenceStatus | undefined;
      const warned = await warnings(async () => {
        dot = await fixture<PresenceDot>(
          html`<presence-dot uid="a,b" last-seen=${Date.now()} endpoint=${endpoint ?? ''}>
            <img src="/packages/elements/test/avatar.svg" width="40" height="40" alt="Ada" />
          </presence-dot>`,
        );
        status = await fixture<PresenceStatus>(
          html`<presence-status uid="<b>" endpoint=${endpoint ?? ''}></presence-status>`,
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
      });
      expect(dotOf(dot!) === null, 'no dot').to.equal(true);
      expect(dot!.querySelector('img') !== null, 'the avatar').to.equal(true);
      expect(status!.shadowRoot!.textContent!.trim()).to.equal('');
      expect(warned).to.have.length(2);
      expect(warned[0]).to.contain('"a,b" is not a valid uid');
      expect(eventSources.length).to.equal(opened);
    });
  }

  it('shows the dot once the uid becomes valid', async () => {
    const dot = await fixture<PresenceDot>(html`<presence-dot uid="" last-seen=${Date.now()}></presence-dot>`);
    expect(dotOf(dot) === null, 'no dot yet').to.equal(true);
    dot.uid = '7';
    await dot.updateComplete;
    expect(dotOf(dot) !== null, 'a dot').to.equal(true);
    expect(dot.state).to.equal('online');
  });
});
