import type { SeriesPoint } from '../../store';
import { tickText } from './format';

export interface PlotSeries {
  points: readonly SeriesPoint[];
  color: string;
  dots: boolean;
}

/** Round numbers for axis ticks: about `count` of them spanning [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}


/** Where drawLines put the x axis, so a hover can be mapped back to a step. */
export interface PlotLayout {
  left: number;
  width: number;
  maxStep: number;
}

/** Draws line series on a canvas (y from 0, x by step) with light axes; sized for the device's pixel ratio. */
export function drawLines(
  canvas: HTMLCanvasElement,
  width: number,
  height: number,
  series: PlotSeries[],
  colors: { axis: string; grid: string },
  options: { logY?: boolean } = {},
): PlotLayout | null {
  const dpr = globalThis.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);

  // Log scale: draw log10 of the positive values, label ticks with the values themselves.
  const logY = options.logY === true;
  if (logY) series = series.map((s) => ({ ...s, points: s.points.map((p) => ({ step: p.step, value: p.value > 0 ? Math.log10(p.value) : NaN })) }));
  const finite = series.flatMap((s) => s.points.filter((p) => Number.isFinite(p.value)));
  if (finite.length === 0) return null;
  let maxStep = 1e-9;
  let maxY = logY ? -Infinity : 1e-6;
  let minY = logY ? Infinity : 0;
  for (const p of finite) {
    if (p.step > maxStep) maxStep = p.step;
    if (p.value > maxY) maxY = p.value;
    if (p.value < minY) minY = p.value;
  }
  if (logY && !(maxY > minY)) maxY = minY + 1;
  if (maxStep < 1) maxStep = Math.max(maxStep, 1);
  const yTicks = logY ? niceTicks(Math.floor(minY), Math.ceil(maxY), Math.max(1, Math.ceil(maxY) - Math.floor(minY))) : niceTicks(minY, maxY * 1.05);
  if (logY) minY = Math.floor(minY);
  const top = logY ? Math.max(Math.ceil(maxY), minY + 1) : yTicks[yTicks.length - 1]! > maxY ? yTicks[yTicks.length - 1]! : maxY * 1.05;
  const left = 56;
  const right = 12;
  const bottom = 22;
  const topPad = 8;
  const w = width - left - right;
  const h = height - topPad - bottom;
  const x = (step: number) => left + (step / maxStep) * w;
  const y = (v: number) => topPad + h - ((v - minY) / (top - minY)) * h;

  ctx.font = '12px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.strokeStyle = colors.grid;
  ctx.fillStyle = colors.axis;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of yTicks) {
    ctx.beginPath();
    ctx.moveTo(left, Math.round(y(t)) + 0.5);
    ctx.lineTo(left + w, Math.round(y(t)) + 0.5);
    ctx.stroke();
    ctx.fillText(logY ? tickText(Number((10 ** t).toPrecision(3))) : tickText(t), left - 6, y(t));
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of niceTicks(0, maxStep, Math.max(2, Math.floor(w / 80)))) {
    if (maxStep >= 5 && !Number.isInteger(t)) continue;
    ctx.fillText(tickText(t), x(t), topPad + h + 6);
  }

  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let pen = false;
    for (const p of s.points) {
      if (!Number.isFinite(p.value)) {
        pen = false; // a NaN breaks the line rather than dropping to an edge
        continue;
      }
      if (pen) ctx.lineTo(x(p.step), y(p.value));
      else ctx.moveTo(x(p.step), y(p.value));
      pen = true;
    }
    ctx.stroke();
    if (s.dots) {
      for (const p of s.points) {
        if (!Number.isFinite(p.value)) continue;
        ctx.beginPath();
        ctx.arc(x(p.step), y(p.value), 3, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
  return { left, width: w, maxStep };
}
