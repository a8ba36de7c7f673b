/// <reference types="vite/client" />
// The worker's entry: wires messages to a TrainingSession (session.ts and the modules beside it do the work).
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import tfRuntimeUrl from '@tensorflow/tfjs/dist/tf.min.js?url';
import * as tf from '@tensorflow/tfjs-core';
import { browserDecoder, fetchReader } from '../data';
import { TrainingSession } from './session';

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
}
const scope = self as unknown as WorkerScope;

// The threaded WASM build rebuilds its pthread workers from the module factory's source text, which
// the production bundle minifies into code that refers to names it no longer has ("e is not defined"
// in every pthread, seen in Chromium here). Single-threaded SIMD WASM works; use it until that is fixed.
// The WASM package registers the flag only when it is imported (lazily, at backend choice): register it
// first, and set its value, which the package's own registration later keeps.
if (!('WASM_HAS_MULTITHREAD_SUPPORT' in tf.env().getFlags())) tf.env().registerFlag('WASM_HAS_MULTITHREAD_SUPPORT', () => false);
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

const session = new TrainingSession({
  post: (event, transfer) => scope.postMessage(event, transfer),
  // Built-ins are packed into public/datasets by `npm run data` and served from the app's own origin.
  readBuiltin: fetchReader(new URL(`${import.meta.env.BASE_URL}datasets`, self.location.origin).href),
  decodeImage: browserDecoder,
  // Bundles carry the same tfjs build the studio runs, served as an asset of the app (no CDN).
  loadRuntime: async () => {
    const res = await fetch(tfRuntimeUrl);
    if (!res.ok) throw new Error(`the tfjs runtime (${tfRuntimeUrl}) could not be fetched: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  },
  // Vite renames assets with a hash, so the backend gets each binary's URL by its original name.
  wasmPaths: {
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  },
});

scope.onmessage = (e) => session.handle(e.data);
session.announce();
