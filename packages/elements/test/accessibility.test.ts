import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { executeServerCommand, sendKeys, setViewport } from '@web/test-runner-commands';
import type { OnlineNow, PresenceDot } from '../src/index.js';
import '../src/define.js';
import { dotOf } from './support/helpers.js';

/** Roles and accessible names as Chromium computed them (Playwright's ARIA snapshot, one node a line). */
function ariaSnapshot(selector = 'body'): Promise<string> {
  return executeServerCommand<string, { selector: string }>('aria-snapshot', { selector });
}

const AVATAR = '/packages/elements/test/avatar.svg';

function roster(count: number): string {
  const users = Array.from({ length: count }, (_, i) => ({
    uid: `p${i}`,
    name: `Person ${String(i).padStart(2, '0')}`,
    avatar: null,
    last_seen: 1,
  }));
  return JSON.stringify({ t: Date.now(), count, users });
}

/** Elements inside shadow roots that take keyboard focus. */
function tabStops(element: Element): Element[] {
  return [...element.shadowRoot!.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')];
}

describe('accessibility', () => {
  afterEach(async () => {
    fixtureCleanup();
    await setViewport({ width: 800, height: 600 });
  });

  const fiveMinutesAgo = () => Date.now() - 5 * 60_000 - 1000;

  it('names the dot in the label’s words, with the exact time as its description and hover text', async () => {
    const seen = fiveMinutesAgo();
    const list = await fixture(
      html`<div lang="en-GB">
        <presence-dot uid="1" last-seen=${Date.now()}
          ><img src=${AVATAR} width="40" height="40" alt="Alice"
        /></presence-dot>
        <presence-dot uid="2" last-seen=${seen}><img src=${AVATAR} width="40" height="40" alt="Bob" /></presence-dot>
        <presence-dot uid="3"><img src=${AVATAR} width="40" height="40" alt="Carol" /></presence-dot>
        <presence-status uid="2" last-seen=${seen}></presence-status>
      </div>`,
    );
    const dots = [...list.querySelectorAll('presence-dot')];
    const exact = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(seen);
    // One wording: the dot is called exactly what the label beside it says (here in en-GB's words).
    const label = list.querySelector('presence-status')!.shadowRoot!.querySelector('[part~="label"]')!.textContent!;
    expect(label).to.match(/^last seen 5 ?min? ago$/);
    expect(dots.map((dot) => dotOf(dot)!.getAttribute('aria-label'))).to.deep.equal(['online', label, 'offline']);
    expect(dots.map((dot) => dotOf(dot)!.getAttribute('aria-description'))).to.deep.equal([null, exact, null]);
    expect(dots.map((dot) => dot.shadowRoot!.querySelector('[part~="base"]')!.getAttribute('title'))).to.deep.equal([
      'online',
      `${label} (${exact})`,
      'offline',
    ]);

    // What a screen reader gets: each avatar's name, then its status.
    const tree = await ariaSnapshot();
    expect(tree).to.include('- img "Alice"\n- img "online"');
    expect(tree).to.include(`- img "Bob"\n- img "${label}"`);
    expect(tree).to.include('- img "Carol"\n- img "offline"');
  });

  it('draws no dot at all without a uid, and keeps the avatar', async () => {
    const element = await fixture<PresenceDot>(
      html`<presence-dot last-seen=${Date.now()}
        ><img alt="Dana" width="40" height="40" src=${AVATAR}
      /></presence-dot>`,
    );
    expect(dotOf(element)).to.equal(null);
    expect(element.shadowRoot!.querySelector('[role]')).to.equal(null);
    expect(element.querySelector('img')!.getBoundingClientRect().width).to.equal(40);
  });

  it('reads the status label as words', async () => {
    await fixture(
      html`<div>
        <presence-status uid="1" last-seen=${fiveMinutesAgo()}></presence-status>
        <presence-status uid="2"></presence-status>
      </div>`,
    );
    const tree = await ariaSnapshot();
    expect(tree).to.include('last seen 5m ago');
    expect(tree).to.include('offline');
  });

  it('names the roster group once, by its label whatever the page’s text-transform, and each person once', async () => {
    const users = [
      { uid: '1', name: 'Ada Lovelace', avatar: null, last_seen: 1 },
      { uid: '2', name: 'Grace Hopper', avatar: AVATAR, last_seen: 1 },
    ];
    const element = await fixture<OnlineNow>(
      html`<div>
        <style>
          online-now::part(label) {
            text-transform: uppercase;
          }
        </style>
        <online-now
          ><script type="application/json">
            ${JSON.stringify({ t: Date.now(), count: 2, users })}
          </script></online-now
        >
      </div>`,
    );
    const roster = element.querySelector('online-now')!;
    expect(roster.shadowRoot!.querySelector('[part~="avatar"]')!.textContent).to.equal('AL');
    const tree = await ariaSnapshot('online-now');
    expect(tree).to.match(/^- group "Online now":/);
    // The list items carry no name of their own: only the avatar inside names the person.
    expect(tree).to.match(/- listitem:\n\s+- img "Ada Lovelace"/);
    expect(tree).to.match(/- listitem:\n\s+- img "Grace Hopper"/);
    expect(tree.match(/Ada Lovelace/g)).to.have.length(1);
    expect(tabStops(roster)).to.deep.equal([]);
  });

  it('adds no tab stop by default; names-toggle adds one button that lists the names, by keyboard', async () => {
    const plain = await fixture<OnlineNow>(
      html`<online-now max="3"
        ><script type="application/json">
          ${roster(5)}
        </script></online-now
      >`,
    );
    expect(tabStops(plain)).to.deep.equal([]);

    const element = await fixture<OnlineNow>(
      html`<online-now max="3" names-toggle
        ><script type="application/json">
          ${roster(5)}
        </script></online-now
      >`,
    );
    const stops = tabStops(element);
    expect(stops.map((stop) => stop.getAttribute('part'))).to.deep.equal(['toggle']);
    const toggle = stops[0] as HTMLButtonElement;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    expect(element.shadowRoot!.querySelector('[part~="names"]')).to.equal(null);

    toggle.focus();
    await sendKeys({ press: 'Enter' });
    await element.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('true');
    const names = element.shadowRoot!.querySelector<HTMLElement>('[part~="names"]')!;
    expect(names.getBoundingClientRect().height).to.be.greaterThan(0);
    expect(names.innerText.split('\n')).to.deep.equal(['Person 00', 'Person 01', 'Person 02', '2 more online']);
    // While the names are listed, the avatars are not read a second time.
    const tree = await ariaSnapshot('online-now[names-toggle]');
    expect(tree).to.include('- button "Names" [expanded]');
    expect(tree.match(/Person 00/g)).to.have.length(1);

    await sendKeys({ press: 'Space' });
    await element.updateComplete;
    expect(toggle.getAttribute('aria-expanded')).to.equal('false');
    expect(element.shadowRoot!.querySelector('[part~="names"]')).to.equal(null);
  });

  it('never widens a 390px page: its hidden texts stay inside it, even in a scrolling box', async () => {
    await setViewport({ width: 390, height: 800 });
    await fixture(
      html`<div style="overflow-x: auto; width: 100%">
        <table style="width: 900px">
          <tr>
            <td style="width: 700px">wide</td>
            <td>
              <online-now max="2"
                ><script type="application/json">
                  ${roster(6)}
                </script></online-now
              >
            </td>
          </tr>
        </table>
      </div>`,
    );
    const announced = document.querySelector('online-now')!;
    // The "N more online" text and the live region both exist, and the page is still 390px wide.
    expect(announced.shadowRoot!.querySelectorAll('.visually-hidden')).to.have.length(2);
    expect(document.documentElement.scrollWidth).to.equal(390);
  });
});
