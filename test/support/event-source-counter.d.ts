// Types for event-source-counter.js, a plain script.
export interface EventSourceCounts {
  created: number;
  closed: number;
  urls: string[];
  /** Every EventSource the page made, in order (open or not). */
  sources: EventSource[];
}

declare global {
  interface Window {
    __eventSources: EventSourceCounts;
  }
}
