/*
 * Feature checks for each tfjs backend, written against `globalThis` so they
 * run unchanged on a page, in a Worker and in Node (where they fail politely).
 * WebGPU is not in this project's TypeScript lib, hence the small local types.
 */

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  description?: string;
}

interface GpuAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
}

interface GpuAdapterLike {
  info?: GpuAdapterInfoLike;
  requestAdapterInfo?: () => Promise<GpuAdapterInfoLike>;
}

interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>;
}

interface OffscreenCanvasLike {
  getContext(kind: 'webgl2' | 'webgl'): unknown;
}

type OffscreenCanvasCtor = new (width: number, height: number) => OffscreenCanvasLike;

export type ProbeResult = { ok: true; adapter?: AdapterInfo } | { ok: false; reason: string };

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Needs `navigator.gpu` and an adapter; reports the adapter's vendor and architecture. */
export async function probeWebGpu(): Promise<ProbeResult> {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  const gpu = nav?.gpu;
  if (gpu == null) return { ok: false, reason: 'no navigator.gpu' };
  let adapter: GpuAdapterLike | null;
  try {
    // tfjs asks for the high-performance adapter too, so this is the one it will get.
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { ok: false, reason: `requestAdapter() failed: ${errorText(err)}` };
  }
  if (adapter == null) return { ok: false, reason: 'no WebGPU adapter' };
  let info: GpuAdapterInfoLike | undefined = adapter.info;
  if (info == null && typeof adapter.requestAdapterInfo === 'function') {
    // Chromium before 127 exposed the info only through this method.
    info = await adapter.requestAdapterInfo().catch(() => undefined);
  }
  const found: AdapterInfo = { vendor: info?.vendor ?? '', architecture: info?.architecture ?? '' };
  if (info?.description) found.description = info.description;
  return { ok: true, adapter: found };
}

/** Needs an OffscreenCanvas (the only canvas a Worker has) that yields a WebGL context. */
export function probeWebGl(): ProbeResult {
  const Ctor = (globalThis as { OffscreenCanvas?: OffscreenCanvasCtor }).OffscreenCanvas;
  if (typeof Ctor !== 'function') return { ok: false, reason: 'no OffscreenCanvas' };
  try {
    const canvas = new Ctor(1, 1);
    const context = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    if (context == null) return { ok: false, reason: 'no WebGL context on OffscreenCanvas' };
  } catch (err) {
    return { ok: false, reason: `creating a WebGL context failed: ${errorText(err)}` };
  }
  return { ok: true };
}

export function probeWasm(): ProbeResult {
  if (typeof (globalThis as { WebAssembly?: unknown }).WebAssembly !== 'object') {
    return { ok: false, reason: 'no WebAssembly' };
  }
  return { ok: true };
}

/** Threads need SharedArrayBuffer, which browsers give only to cross-origin isolated pages. */
export function isCrossOriginIsolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

export { errorText };
