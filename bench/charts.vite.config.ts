// The chart bench page's build: bench/charts → bench/.build/charts, with the
// app's React plugin (the page renders the app's own chart components).
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('./charts'),
  base: './',
  logLevel: 'warn',
  publicDir: false,
  plugins: [react()],
  build: { outDir: here('./.build/charts'), emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 4000 },
});
