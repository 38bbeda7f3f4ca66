import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Built into dist/web, which the server serves at `/` (src/server/routes/dashboard-routes.ts).
// Everything is bundled: no CDN, no remote font or tile, so the dashboard works offline.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    // Inline nothing as data: URLs into scripts; the CSP allows data: images only.
    assetsInlineLimit: 0,
  },
  server: {
    // `npx vite web` during development: the API is the local loginguard.
    proxy: { '/v1': 'http://127.0.0.1:8080' },
  },
});
