import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/**
 * Where `npm run build` puts the dashboard (Vite, `web/vite.config.ts`): `dist/web` at the package
 * root, which is three folders up from both this source file and its compiled copy in dist/.
 */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/**
 * Everything the dashboard loads comes from this server: no inline script, no CDN, no tiles. A
 * stored payload that slipped past React's escaping still could not run (no inline handlers) nor
 * send data anywhere else (`connect-src 'self'`).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The dashboard at `/`: the static files of the Vite build, with a strict Content-Security-Policy.
 * Its pages are addressed by the URL fragment (`/#/users/alice`), so the server has one HTML page
 * to serve. Without a build it answers `/` with a page that says how to make one.
 */
export async function dashboardRoutes(app: FastifyInstance, dir: string = DASHBOARD_DIR): Promise<void> {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    return payload;
  });

  if (!existsSync(`${dir}/index.html`)) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) => {
      reply.code(503).type('text/html; charset=utf-8');
      return '<!doctype html><title>loginguard</title><p>The dashboard is not built: run <code>npm run build</code>.</p>';
    });
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    // Files are looked up when asked for (not listed at start), so a rebuild while the server
    // runs is served at once; a path that is no file gets the API's JSON 404.
    wildcard: true,
    index: 'index.html',
    cacheControl: false,
    setHeaders: (reply, path) => {
      // Vite names assets by content hash: cache them for good; the HTML must always be fresh.
      reply.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
    schemaHide: true,
  });
}
