// Debian's Chromium and the flags this machine needs, for every runner that starts it
// (web-test-runner, the e2e checks, the client benchmark). Never a downloaded browser.
// The background-networking flags matter: without them Chromium keeps dialling out on
// a closed network.
export const chromiumPath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
