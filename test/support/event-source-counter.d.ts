// Types for event-source-counter.js, a plain script.
export interface EventSourceCounts {
  created: number;
  closed: number;
  urls: string[];
  /** Every EventSource the page made, in order (open or not). */
  sources: EventSource[];
  /** The script URL of every SharedWorker the page started (one per store: all the same worker). */
  workers: string[];
}

declare global {
  interface Window {
    __eventSources: EventSourceCounts;
  }
}
