// The web console: its static files (built into dist/console by `npm run build`), served at / and
// /console/ outside the /v1 auth. The console then calls /v1 with the key its user signs in with.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** From src/http or dist/http alike, the built console is ../../dist/console. */
export const consoleAssetsDir = fileURLToPath(new URL('../../dist/console/', import.meta.url));

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

// The console shows an image by URL from anywhere once its reader asks (web URLs are not loaded
// by default), and runs no script but its own.
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' https: http: data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of filesUnder(dir)) {
    const type = contentTypes[extname(file)];
    if (!type) continue;
    const body = readFileSync(file);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    assets.set(`/console/${relative(dir, file).split(sep).join('/')}`, { body, type, etag });
  }
  return assets;
}

function send(asset: Asset, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.headers({ ...securityHeaders, etag: asset.etag, 'cache-control': 'no-cache' });
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.type(asset.type).send(asset.body);
}

/** Serves the console; without built assets (a source checkout never built), logs why and serves nothing. */
export function registerConsole(app: FastifyInstance, dir: string = consoleAssetsDir): void {
  if (!existsSync(join(dir, 'index.html'))) {
    app.log.warn({ dir }, 'web console not built (run npm run build); / is not served');
    return;
  }
  const assets = loadAssets(dir);
  const index = assets.get('/console/index.html');
  if (!index) return;
  app.get('/', (request, reply) => send(index, request, reply));
  for (const [path, asset] of assets) app.get(path, (request, reply) => send(asset, request, reply));
}
