// Bundles bench/src/monitor-overhead.ts (as scripts/bench.mjs bundles the Node runner) and runs it.
import { build } from 'rolldown';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '.build', 'monitor-overhead.mjs');
await build({
  input: join(here, 'src/monitor-overhead.ts'),
  platform: 'node',
  external: (id) => (id.startsWith('@tensorflow/') && !id.includes('/dist/')) || id.startsWith('node:'),
  output: { file: out, format: 'esm' },
  logLevel: 'warn',
});
await import(out);
