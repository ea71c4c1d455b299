import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Balancer {
  url: string;
  /** Which backend (index) each request went to, in order. */
  readonly routed: number[];
  close(): Promise<void>;
}

/**
 * A round-robin HTTP load balancer on 127.0.0.1, with no stickiness: every request, a
 * stream or a subscribe, goes to the next backend. A backend that refuses the connection
 * (killed) is skipped for that request, as a balancer's health check would. Appends the
 * client to `X-Forwarded-For`, so the nodes run with `trustProxy: 1`.
 */
export async function startBalancer(backends: () => readonly string[]): Promise<Balancer> {
  let next = 0;
  const routed: number[] = [];
  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, tries: number): void => {
    const urls = backends();
    const index = next++ % urls.length;
    const target = new URL(req.url ?? '/', urls[index]);
    const forwardedFor = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const upstream = request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host, 'x-forwarded-for': forwardedFor } },
      (answer) => {
        routed.push(index);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        // A backend that dies mid-stream drops its clients, as a real balancer does: they reconnect.
        answer.on('aborted', () => res.destroy());
        answer.on('error', () => res.destroy());
        res.on('close', () => answer.destroy());
      },
    );
    upstream.on('error', () => {
      if (res.headersSent) return res.destroy();
      if (tries + 1 < urls.length) return forward(req, res, body, tries + 1);
      res.writeHead(502).end();
    });
    upstream.end(body);
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => forward(req, res, Buffer.concat(chunks), 0));
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    routed,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
