import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { dashboardRoutes } from '../../src/server/routes/dashboard-routes.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function appOn(dir: string) {
  const app = Fastify();
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: { code: 'LG_ERR_NOT_FOUND' } }));
  await app.register(async (scope) => dashboardRoutes(scope, dir));
  return app;
}

describe('dashboard static files', () => {
  it('serves index.html at / with the CSP, serves files added after start, and 404s as JSON otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-web-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>loginguard</title>');
    const app = await appOn(dir);
    const index = await app.inject({ url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('<title>loginguard</title>');
    expect(index.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(index.headers['cache-control']).toBe('no-cache');

    // A rebuild while the server runs: new hashed asset names must be served without a restart.
    writeFileSync(join(dir, 'late.js'), 'export {};');
    expect((await app.inject({ url: '/late.js' })).statusCode).toBe(200);
    const missing = await app.inject({ url: '/nope.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: { code: 'LG_ERR_NOT_FOUND' } });
    expect((await app.inject({ url: '/../package.json' })).statusCode).toBe(404);
    await app.close();
  });

  it('says how to build the dashboard when there is no build', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-web-'));
    dirs.push(dir);
    const app = await appOn(dir);
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build');
    await app.close();
  });
});
