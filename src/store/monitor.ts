/** The Monitor panel's state: what the run's `monitor` events brought so far, bounded. */
import type { EpochTiming, MonitorDeviceStats, MonitorUpdate } from '../worker/protocol';

/** Gradient-norm points kept (older ones thinned to every other point once the cap is reached). */
const MAX_NORM_POINTS = 1000;
/** Histogram snapshots kept: the latest and a few past ones. */
const MAX_HISTOGRAMS = 5;
const MAX_DEVICE_SAMPLES = 500;

export interface MonitorState {
  gradNorms: MonitorUpdate['gradNorms'];
  histograms: MonitorUpdate['histograms'];
  device: MonitorDeviceStats[];
  epochs: EpochTiming[];
  leak: string | null;
}

function thin<T>(xs: T[], max: number): T[] {
  return xs.length <= max ? xs : xs.filter((_, i) => i % 2 === 1 || i === xs.length - 1);
}

export function mergeMonitor(prev: MonitorState | null, u: MonitorUpdate): MonitorState {
  const p = prev ?? { gradNorms: [], histograms: [], device: [], epochs: [], leak: null };
  return {
    gradNorms: thin(p.gradNorms.concat(u.gradNorms), MAX_NORM_POINTS),
    histograms: p.histograms.concat(u.histograms).slice(-MAX_HISTOGRAMS),
    device: p.device.concat(u.device).slice(-MAX_DEVICE_SAMPLES),
    epochs: p.epochs.concat(u.epochs),
    leak: u.leak ?? p.leak,
  };
}
