/// <reference types="vite/client" />
// The worker's entry: wires messages to a TrainingSession. All logic lives in session.ts.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { TrainingSession } from './session';

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
}
const scope = self as unknown as WorkerScope;

const session = new TrainingSession({
  post: (event, transfer) => scope.postMessage(event, transfer),
  // Vite renames assets with a hash, so the backend gets each binary's URL by its original name.
  wasmPaths: {
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  },
});

scope.onmessage = (e) => session.handle(e.data);
session.announce();
