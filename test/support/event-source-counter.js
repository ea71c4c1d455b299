// Counts the EventSources a page opens and closes, on `window.__eventSources`: a page
// must hold ONE presence connection however many dots it shows. Install it before any
// page script: `page.addInitScript({ path })` under Playwright (e2e, the client
// benchmark), a side-effect import under web-test-runner. A plain script, with no
// imports or exports, so that both can load it.
(() => {
  if (window.__eventSources) return;
  const Native = window.EventSource;
  const counts = { created: 0, closed: 0, urls: [], sources: [] };
  window.__eventSources = counts;
  window.EventSource = class extends Native {
    constructor(url, init) {
      super(url, init);
      counts.created += 1;
      counts.urls.push(String(url));
      counts.sources.push(this);
    }
    close() {
      if (this.readyState !== Native.CLOSED) counts.closed += 1;
      super.close();
    }
  };
})();
