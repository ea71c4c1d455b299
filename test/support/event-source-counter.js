// Counts the EventSources a page opens and closes, on `window.__eventSources`: a page
// must hold ONE presence connection however many dots it shows (or none, when the
// SharedWorker it starts holds it: those are counted in `workers`, by script URL). Install it before any
// page script: `page.addInitScript({ path })` under Playwright (e2e, the client
// benchmark), a side-effect import under web-test-runner. A plain script, with no
// imports or exports, so that both can load it.
(() => {
  if (window.__eventSources) return;
  const Native = window.EventSource;
  const counts = { created: 0, closed: 0, urls: [], sources: [], workers: [] };
  window.__eventSources = counts;
  if (window.SharedWorker) {
    const NativeWorker = window.SharedWorker;
    window.SharedWorker = class extends NativeWorker {
      constructor(url, options) {
        super(url, options);
        counts.workers.push(String(url));
      }
    };
  }
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
