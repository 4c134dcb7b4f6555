/**
 * Vite build of the dashboard front end: web/ → dist/web (served by `calcitag serve`).
 * The simulation worker imports the model and engines straight from ../src; the guard below fails the
 * build if anything there drags in a Node built-in, so the numerical core stays browser-safe.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const NODE_BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

function noNodeBuiltins(): Plugin {
  return {
    name: 'calcitag-no-node-builtins',
    enforce: 'pre',
    resolveId(id, importer) {
      if (id.startsWith('node:') || NODE_BUILTINS.has(id)) {
        throw new Error(`browser bundle imports the Node built-in '${id}' (from ${importer ?? '?'}); import browser-safe modules directly instead of one that uses Node APIs`);
      }
      return null;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [noNodeBuiltins()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
  worker: { format: 'es', plugins: () => [noNodeBuiltins()] },
  server: {
    // `npm run dev:web` with `calcitag serve --port 5178` running: the API is proxied to it.
    proxy: { '/api': process.env.CALCITAG_API ?? 'http://127.0.0.1:5178' },
  },
});
