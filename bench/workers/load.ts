/** A load generator in its own process: autocannon against one URL, rotating through N users. */
import { createRequire } from 'node:module';
import { serveRequests } from '../lib/child.js';

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
interface RequestParams {
  headers?: Record<string, string>;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

serveRequests(async (request) => {
  if (request.type !== 'run') throw new Error(`unknown request ${request.type}`);
  let next = 0;
  const users = Number(request.users);
  const result = await autocannon({
    url: String(request.url),
    connections: Number(request.connections),
    duration: Number(request.seconds),
    requests: [
      {
        // Each request is a different signed-in user, round robin over `users`.
        setupRequest: (req: RequestParams) => ({
          ...req,
          headers: { ...req.headers, 'x-user': String(next++ % users) },
        }),
      },
    ],
  });
  return {
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
});
