import { isIP } from 'node:net';
import type { Context } from 'hono';

/**
 * Which reverse proxies may tell the kit a client's address: how many sit in front of the
 * server (a hop count), or their addresses. 0 (the default) believes only the socket.
 */
export type TrustProxy = number | readonly string[];

/** Longer entries are no address a proxy wrote; cut, they still count against one cap. */
const MAX_ADDRESS = 64;

/**
 * The client's address, for per-client limits. X-Forwarded-For is read from the right,
 * where the proxies append: the socket's peer and each trusted proxy are skipped, and the
 * first address no trusted proxy vouches for is the client. Whatever a client wrote into
 * the header itself sits further left and is never reached, so spoofing it escapes no cap.
 * `trust` as `normalizedTrust` returned it.
 */
export function clientAddress(c: Context, trust: TrustProxy): string {
  const peer = socketAddress(c);
  if (trust === 0 || (typeof trust !== 'number' && trust.length === 0)) return peer;
  // Nearest first: the socket's peer, then the hops it reports, right to left.
  const hops = [peer, ...forwardedFor(c).reverse()];
  if (typeof trust === 'number') return hops[Math.min(trust, hops.length - 1)]!;
  return hops.find((address) => !trust.includes(address)) ?? hops[hops.length - 1]!;
}

/**
 * Whether this request came straight from a trusted proxy: with their addresses listed, only a
 * request whose socket peer is one of them; with a hop count, any (which peer is the proxy cannot
 * be told, so the port must be reachable only through it); with none, any. `trust` as `normalizedTrust` returned it.
 */
export function fromTrustedPeer(c: Context, trust: TrustProxy): boolean {
  if (typeof trust === 'number' || trust.length === 0) return true;
  return trust.includes(socketAddress(c));
}

/** A checked `trustProxy` with its addresses in the one spelling requests are compared in, made once, not per request. */
export function normalizedTrust(trust: TrustProxy): TrustProxy {
  return typeof trust === 'number' ? trust : trust.map(normalize);
}

/**
 * `PRESENCE_TRUST_PROXY` for the standalone server: a hop count (`1`) or comma-separated
 * proxy addresses (`10.0.0.2,10.0.0.3`); unset or empty is 0.
 */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  const value = text?.trim() ?? '';
  if (value === '') return 0;
  return /^\d+$/.test(value)
    ? Number(value)
    : checkTrustProxy(
        value.split(',').map((s) => s.trim()),
        'PRESENCE_TRUST_PROXY',
      );
}

/** Refuses a `trustProxy` that could not mean what the host intended, naming what would. */
export function checkTrustProxy(trust: unknown, what = '`trustProxy`'): TrustProxy {
  if (typeof trust === 'number' && Number.isInteger(trust) && trust >= 0) return trust;
  if (Array.isArray(trust) && trust.every((a) => typeof a === 'string' && isIP(normalize(a)) !== 0))
    return trust as string[];
  throw new TypeError(
    `presence-kit: ${what} must be the number of proxies in front of the server (like 1) or their IP addresses (like 10.0.0.2); got ${JSON.stringify(trust)}.`,
  );
}

/** The socket's address under @hono/node-server; one shared key elsewhere (e.g. `app.request` in tests). */
function socketAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const address = env?.incoming?.socket?.remoteAddress;
  return address ? normalize(address) : 'local';
}

function forwardedFor(c: Context): string[] {
  const header = c.req.header('x-forwarded-for') ?? '';
  return header
    .split(',')
    .map((entry) => normalize(withoutPort(entry.trim())).slice(0, MAX_ADDRESS))
    .filter((entry) => entry !== '');
}

/**
 * The address alone: some proxies (Azure's gateways) write the client's source port beside it
 * (`1.2.3.4:5678`, `[2001:db8::1]:443`), and a new port per connection would be a new client.
 */
function withoutPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1]!;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  return v4 ? v4[1]! : entry;
}

/** One spelling per address: IPv4 as itself, not mapped into IPv6 by a dual-stack socket. */
function normalize(address: string): string {
  const lower = address.toLowerCase();
  return lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
}
