// gpumem — GPU memory calculator. SPDX-License-Identifier: MIT
// A minimal static file server for the built site, bound to 127.0.0.1 only.
// Usage: node tools/serve.mjs [DIR] [PORT]   (defaults: build/site 8000; PORT 0 = any free)
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Starts serving `root` on 127.0.0.1:`port`; resolves to the server once listening.
 * `maxAge` (seconds) lets the browser reuse what it fetched, as GitHub Pages does (600);
 * 0, the default, makes it ask again on every load, so an edited file shows at once.
 */
export function serve(root, port = 0, { maxAge = 0 } = {}) {
  const cacheControl = maxAge > 0 ? `max-age=${maxAge}` : 'no-cache';
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      let path = normalize(join(base, decodeURIComponent(url.pathname)));
      if (!path.startsWith(base)) throw new Error('outside root');
      if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
      const body = await readFile(path);
      res.writeHead(200, {
        'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
        'Cache-Control': cacheControl,
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? 'build/site';
  const port = Number(process.argv[3] ?? 8000);
  const server = await serve(root, port);
  console.log(`gpumem is served at http://127.0.0.1:${server.address().port}/`);
}
