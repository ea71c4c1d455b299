import { get } from 'node:http';

/** One request to the host's page, as its signed-in user; resolves with how long it took (ms). */
export function hostRequest(url: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'x-user': 'host-user' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - started));
    }).on('error', reject);
  });
}
