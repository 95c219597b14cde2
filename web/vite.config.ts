// The browser client's build: `npm run build` writes web/dist, which the server serves at `/`.
// Each route is its own chunk (see src/routes.ts), so the first screen loads only what it shows.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Asset names carry a content hash: the server sends them as immutable.
    assetsDir: 'assets',
    // bench/web/bundle.ts reads it to weigh what each route's first screen loads.
    manifest: true,
    // The one chunk above Vite's 500 kB warning is the minutes editor (TipTap, ProseMirror, Yjs:
    // 520 kB, 160 kB compressed), loaded only when a meeting's Minutes tab first shows. What a first
    // screen loads has its own budget (test/unit/web/bundle-budget.test.ts); this only keeps the
    // warning for a chunk that grows past that.
    chunkSizeWarningLimit: 600,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: {
    // `npm run dev:web`: the API, sockets and notes go to a server started with `npm run dev`.
    proxy: {
      '/api': 'http://localhost:3000',
      '/auth': 'http://localhost:3000',
      '/socket.io': { target: 'ws://localhost:3000', ws: true },
      '/collab': { target: 'ws://localhost:3000', ws: true },
    },
  },
});
