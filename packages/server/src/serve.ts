import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Server } from 'node:http';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import type { Presence } from './create-presence.js';

export interface ServeOptions {
  /** The Hono app to serve (with the presence sub-app mounted in it). */
  app: Hono;
  /** Closed on shutdown: its streams end cleanly and its database is closed. */
  presence: Presence;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  hostname?: string;
  /**
   * Serve HTTPS with HTTP/2 (and HTTP/1.1 for clients that do not speak it), for hosts that
   * terminate TLS in Node. Over HTTP/2 a browser multiplexes every tab's requests on one
   * connection, so presence streams no longer use up its 6 HTTP/1.1 connections per origin.
   * Default: plain HTTP/1.1.
   */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface RunningServer {
  readonly port: number;
  /** `http://…`, or `https://…` when serving with `tls`. */
  readonly url: string;
  readonly server: Server | Http2SecureServer;
  /** Ends every stream, stops accepting, closes the database. Safe to call twice. */
  close(): Promise<void>;
}

/** How long an idle keep-alive connection stays open: longer than the 60 s proxies keep theirs. */
const IDLE_CONNECTION_MS = 65_000;

const CLIENT_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request headers are too large; send fewer or shorter headers.'],
  HPE_URI_TOO_LONG: [414, 'The URL is too long; watch fewer uids per stream.'],
};

/**
 * Serves an app on Node with presence-friendly defaults: malformed requests get a JSON
 * 4xx from Node's parser too, and shutdown ends streams before closing the database.
 */
export function servePresence(options: ServeOptions): Promise<RunningServer> {
  const listen = { fetch: options.app.fetch, port: options.port ?? 0, hostname: options.hostname ?? '127.0.0.1' };
  const { tls } = options;
  // close() ends idle keep-alive and HTTP/2 connections at once instead of waiting on them. A
  // plain HTTP server knows its connections (closeAllConnections); over TLS every socket is kept
  // here. Not for plain HTTP too: a third 'close' listener on a socket, beside Node's own two,
  // grows its listener array from 2 slots to 19, a few percent of what an idle stream costs.
  const sockets = tls ? new Set<Socket>() : undefined;
  function forgetSocket(this: Socket): void {
    sockets?.delete(this);
  }
  return new Promise((resolve) => {
    const started = (info: AddressInfo) => {
      let closing: Promise<void> | undefined;
      const url = `${tls ? 'https' : 'http'}://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${info.port}`;
      resolve({
        port: info.port,
        url,
        server,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            const presenceClosed = options.presence.close();
            server.close(() => void presenceClosed.then(() => done()));
            if (sockets) for (const socket of sockets) socket.destroy();
            else (server as Server).closeAllConnections();
          })),
      });
    };
    const server = (
      tls
        ? serve(
            {
              ...listen,
              createServer: createSecureServer,
              serverOptions: { key: tls.key, cert: tls.cert, allowHTTP1: true },
            },
            started,
          )
        : serve(listen, started)
    ) as Server | Http2SecureServer;
    // Proxies keep an idle upstream connection 60 s (nginx's keepalive, AWS's load balancers) and
    // do not read Keep-Alive: timeout. Closing it after Node's 5 s races their next request on it,
    // and a POST lost so (a page's report, a subscribe) is a 502 they do not retry: outlast them.
    // (Behind a proxy the upstream is plain HTTP; over TLS the clients are browsers.)
    if (!tls) {
      (server as Server).keepAliveTimeout = IDLE_CONNECTION_MS;
      (server as Server).headersTimeout = IDLE_CONNECTION_MS + 1000;
    }
    server.on('connection', (socket: Socket) => {
      if (sockets) {
        sockets.add(socket);
        // One listener for every socket (`this` is the socket), and `on` since 'close' comes once.
        socket.on('close', forgetSocket);
      }
      // The kernel's keep-alive probes find peers that vanished without closing (half-open sockets).
      socket.setKeepAlive(true, 30_000);
    });
    server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket) => {
      if (!socket.writable) return socket.destroy();
      const [status, message] = CLIENT_ERRORS[error.code ?? ''] ?? [
        400,
        'The request could not be parsed as HTTP; check its request line and headers.',
      ];
      const code = status === 431 || status === 414 ? 'payload_too_large' : 'invalid_body';
      const body = JSON.stringify({ error: { code, message } });
      // An answer to HEAD never has a body: clients would read it as the start of the next response.
      // The parser's buffer starts with the request line unless the client sent it in an earlier packet.
      const isHead = error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
      socket.end(
        `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 414 ? 'URI Too Long' : 'Bad Request'}\r\n` +
          `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${isHead ? '' : body}`,
      );
    });
  });
}
