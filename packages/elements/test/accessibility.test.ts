import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { OnlineNow, PresenceDot } from '../src/index.js';
import '../src/define.js';
import { dotOf } from './support/helpers.js';

/** Roles and accessible names as Chromium computed them (Playwright's ARIA snapshot, one node a line). */
function ariaSnapshot(selector = 'body'): Promise<string> {
  return executeServerCommand<string, { selector: string }>('aria-snapshot', { selector });
}

describe('accessibility', () => {
  afterEach(() => fixtureCleanup());

  const lastWeek = new Date('2026-11-16T14:05:00Z').getTime();

  it('names the dot with the exact status in every state, and shows it on hover', async () => {
    const list = await fixture(html`<div lang="en-GB">
      <presence-dot uid="1" last-seen=${Date.now()}><img src="/packages/elements/test/avatar.svg" width="40" height="40" alt="Alice" /></presence-dot>
      <presence-dot uid="2" last-seen=${lastWeek}><img src="/packages/elements/test/avatar.svg" width="40" height="40" alt="Bob" /></presence-dot>
      <presence-dot uid="3"><img src="/packages/elements/test/avatar.svg" width="40" height="40" alt="Carol" /></presence-dot>
    </div>`);
    const dots = [...list.querySelectorAll('presence-dot')];
    const expected = ['online', `last seen ${new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(lastWeek)}`, 'offline'];
    expect(dots.map((dot) => dotOf(dot)!.getAttribute('aria-label'))).to.deep.equal(expected);
    expect(dots.map((dot) => dotOf(dot)!.getAttribute('role'))).to.deep.equal(['img', 'img', 'img']);
    expect(dots.map((dot) => dot.shadowRoot!.querySelector('[part~="base"]')!.getAttribute('title'))).to.deep.equal(expected);

    // What a screen reader gets: each avatar's name, then its status.
    const tree = await ariaSnapshot();
    expect(tree).to.include('- img "Alice"\n- img "online"');
    expect(tree).to.include(`- img "Bob"\n- img "${expected[1]}"`);
    expect(tree).to.include('- img "Carol"\n- img "offline"');
  });

  it('draws no dot at all without a uid, and keeps the avatar', async () => {
    const element = await fixture<PresenceDot>(html`<presence-dot last-seen=${Date.now()}><img alt="Dana" width="40" height="40" src="/packages/elements/test/avatar.svg" /></presence-dot>`);
    expect(dotOf(element)).to.equal(null);
    expect(element.shadowRoot!.querySelector('[role]')).to.equal(null);
    expect(element.querySelector('img')!.getBoundingClientRect().width).to.equal(40);
  });

  it('reads the status label as words', async () => {
    await fixture(html`<div>
      <presence-status uid="1" last-seen=${Date.now() - 5 * 60_000 - 1000}></presence-status>
      <presence-status uid="2"></presence-status>
    </div>`);
    const tree = await ariaSnapshot();
    expect(tree).to.include('last seen 5m ago');
    expect(tree).to.include('offline');
  });

  it('labels the roster group and every avatar, with initials for people without a picture', async () => {
    const roster = JSON.stringify({
      t: Date.now(),
      count: 2,
      users: [
        { uid: '1', name: 'Ada Lovelace', avatar: null, last_seen: 1 },
        { uid: '2', name: 'Grace Hopper', avatar: '/packages/elements/test/avatar.svg', last_seen: 1 },
      ],
    });
    const element = await fixture<OnlineNow>(html`<online-now><script type="application/json">${roster}</script></online-now>`);
    expect(element.shadowRoot!.querySelector('[part~="avatar"]')!.textContent).to.equal('AL');
    const tree = await ariaSnapshot('online-now');
    expect(tree).to.match(/^- group "Online now":/);
    expect(tree).to.include('img "Ada Lovelace"');
    expect(tree).to.include('img "Grace Hopper"');
  });
});
