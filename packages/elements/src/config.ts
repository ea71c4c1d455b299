import { parseWindow, type PresenceWindow } from '@presence-kit/core';
import type { TransportPath } from './transport.js';

/**
 * Page-wide configuration, so no element needs code to work:
 *
 * ```html
 * <meta name="presence-endpoint" content="/presence">
 * <meta name="presence-window" content="60 20">   <!-- timeout and margin, in seconds -->
 * <meta name="presence-transport" content="tab">  <!-- worker | leader | tab: forces one path -->
 * <meta name="presence-activity" content="off">   <!-- the page reports no activity: requests only -->
 * ```
 *
 * The window here is only for elements no server speaks for (a static page): a server
 * states its own in every snapshot and in the markup it renders, and that wins.
 *
 * An element's own `endpoint` attribute wins over the meta tag; `configurePresence()`
 * sets the same from script (for apps that render no `<head>` of their own).
 */
export interface PresenceConfig {
  /** Where the presence sub-app is mounted, e.g. `/presence`. */
  endpoint?: string | null;
  /** The window for elements no server has stated one for (see `resolveWindow`). */
  window?: Partial<PresenceWindow>;
  /**
   * Forces how the page's stores connect (`worker`, `leader` or `tab`; see `connectTransport`),
   * e.g. for a test. Default: the best the browser offers. Read when a store is created.
   */
  transport?: TransportPath | null;
  /**
   * Whether the page reports the person's interactions as activity (`POST {endpoint}/activity`),
   * so a single-page app's user stays online without requests. Default true;
   * `<meta name="presence-activity" content="off">` is the same as false. Read when a store is created.
   */
  activity?: boolean | null;
}

let configured: PresenceConfig = {};

/** Sets the page-wide endpoint and fallback window from script; meta tags are then ignored for what it sets. */
export function configurePresence(config: PresenceConfig): void {
  configured = { ...configured, ...config };
}

function meta(name: string): string | null {
  if (typeof document === 'undefined') return null;
  return document.querySelector(`meta[name="${name}"]`)?.getAttribute('content') ?? null;
}

/**
 * The endpoint an element talks to, as an absolute URL without a trailing slash (the
 * store key), or null when none is configured: the element then computes its state
 * from `last-seen` alone.
 */
export function resolveEndpoint(attribute: string | null | undefined): string | null {
  return normalizeEndpoint(attribute || configured.endpoint || meta('presence-endpoint'));
}

/** `/presence`, `presence/` and `https://host/presence` all name one store per page. */
export function normalizeEndpoint(endpoint: string | null | undefined): string | null {
  const raw = (endpoint ?? '').trim();
  if (!raw) return null;
  try {
    return new URL(raw, document.baseURI).href.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

/**
 * The page's window: `configurePresence`, else `<meta name="presence-window" content="60 20">`,
 * else 60 s + 20 s; each value falls back on its own. What a server states beats it.
 */
export function resolveWindow(): PresenceWindow {
  return parseWindow(configured.window ?? null, parseWindow(meta('presence-window')));
}

/** The forced transport path, if any: `configurePresence`, else `<meta name="presence-transport">`; anything else means auto. */
export function resolveTransport(): TransportPath | null {
  const value = configured.transport ?? meta('presence-transport');
  return value === 'worker' || value === 'leader' || value === 'tab' ? value : null;
}

/** Whether the page reports activity: `configurePresence({ activity })`, else on unless `<meta name="presence-activity" content="off">`. */
export function resolveActivity(): boolean {
  return configured.activity ?? meta('presence-activity')?.trim().toLowerCase() !== 'off';
}
