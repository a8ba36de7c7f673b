/**
 * The tfjs runtime file in Node (tests, scripts). Node only: the app passes
 * the bytes it fetched from a Vite `?url` import of the same file instead.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The bytes of @tensorflow/tfjs/dist/tf.min.js, the version the app trains with. */
export function loadRuntimeNode(): Uint8Array {
  const require = createRequire(import.meta.url);
  return new Uint8Array(readFileSync(require.resolve('@tensorflow/tfjs/dist/tf.min.js')));
}
