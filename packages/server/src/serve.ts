import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
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
}

export interface RunningServer {
  readonly port: number;
  readonly url: string;
  readonly server: Server;
  /** Ends every stream, stops accepting, closes the database. Safe to call twice. */
  close(): Promise<void>;
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request headers are too large; send fewer or shorter headers.'],
  HPE_URI_TOO_LONG: [414, 'The URL is too long; watch fewer uids per stream.'],
};

/**
 * Serves an app on Node with presence-friendly defaults: malformed requests get a JSON
 * 4xx from Node's parser too, and shutdown ends streams before closing the database.
 */
export function servePresence(options: ServeOptions): Promise<RunningServer> {
  return new Promise((resolve) => {
    const server = serve(
      { fetch: options.app.fetch, port: options.port ?? 0, hostname: options.hostname ?? '127.0.0.1' },
      (info: AddressInfo) => {
        let closing: Promise<void> | undefined;
        const url = `http://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${info.port}`;
        resolve({
          port: info.port,
          url,
          server,
          close: () =>
            (closing ??= new Promise<void>((done) => {
              options.presence.close();
              server.close(() => done());
              server.closeAllConnections();
            })),
        });
      },
    ) as Server;
    // The kernel's keep-alive probes find peers that vanished without closing (half-open sockets).
    server.on('connection', (socket) => socket.setKeepAlive(true, 30_000));
    server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket) => {
      if (!socket.writable) return socket.destroy();
      const [status, message] = CLIENT_ERRORS[error.code ?? ''] ?? [400, 'The request could not be parsed as HTTP; check its request line and headers.'];
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
