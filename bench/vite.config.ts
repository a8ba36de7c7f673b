// The bench page's own build (the app's vite.config.ts stays untouched):
// bench/web → bench/.build/web, with the worker bundled as an ES module.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./web'),
  base: './',
  logLevel: 'warn',
  publicDir: false,
  build: { outDir: here('./.build/web'), emptyOutDir: true, target: 'es2022', minify: false, reportCompressedSize: false },
  worker: { format: 'es' },
});
