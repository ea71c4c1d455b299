import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Context } from 'hono';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Serves the Vite build from `dir`; files outside it are never read. */
export function serveBuilt(dir: string) {
  const root = normalize(dir + sep);
  return async (c: Context): Promise<Response> => {
    const file = normalize(join(root, decodeURIComponent(c.req.path)));
    if (!file.startsWith(root)) return c.notFound();
    try {
      const body = await readFile(file);
      return c.body(body, 200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        // Unhashed names (the server renders the HTML that links them): always revalidate.
        'cache-control': 'no-cache',
      });
    } catch {
      return c.notFound();
    }
  };
}
