/**
 * `aria-snapshot` {selector}: the accessibility tree Chromium computed (roles and
 * accessible names) as Playwright's ARIA snapshot text, e.g. `- img "online"`.
 */
/** @type {import('@web/test-runner').TestRunnerPlugin} */
export const ariaSnapshot = {
  name: 'aria-snapshot',
  executeCommand({ command, payload, session }) {
    if (command !== 'aria-snapshot') return undefined;
    const page = session.browser.getPage(session.id);
    return page.locator(payload?.selector ?? 'body').ariaSnapshot();
  },
};
