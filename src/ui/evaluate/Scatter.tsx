import { useEffect, useRef } from 'react';

const SIZE = 280;

/** Points (x, y) on a canvas with a reference line: y = x (predicted vs actual) or y = 0 (residuals). */
export function Scatter({ xs, ys, xLabel, yLabel, reference, testId }: { xs: Float32Array; ys: Float32Array; xLabel: string; yLabel: string; reference: 'diagonal' | 'zero'; testId: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const dpr = globalThis.devicePixelRatio || 1;
    canvas.width = SIZE * dpr;
    canvas.height = SIZE * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const style = getComputedStyle(canvas);
    const color = (n: string) => style.getPropertyValue(n).trim() || '#888';
    ctx.clearRect(0, 0, SIZE, SIZE);
    let lo = Infinity;
    let hi = -Infinity;
    let ylo = Infinity;
    let yhi = -Infinity;
    for (let i = 0; i < xs.length; i++) {
      lo = Math.min(lo, xs[i]!);
      hi = Math.max(hi, xs[i]!);
      ylo = Math.min(ylo, ys[i]!);
      yhi = Math.max(yhi, ys[i]!);
    }
    if (reference === 'diagonal') {
      lo = Math.min(lo, ylo);
      hi = Math.max(hi, yhi);
      ylo = lo;
      yhi = hi;
    } else {
      const m = Math.max(Math.abs(ylo), Math.abs(yhi), 1e-9);
      ylo = -m;
      yhi = m;
    }
    if (!(hi > lo)) hi = lo + 1;
    const pad = 30;
    const px = (v: number) => pad + ((v - lo) / (hi - lo)) * (SIZE - pad - 8);
    const py = (v: number) => SIZE - pad - ((v - ylo) / (yhi - ylo || 1)) * (SIZE - pad - 8);
    ctx.strokeStyle = color('--grid');
    ctx.beginPath();
    if (reference === 'diagonal') {
      ctx.moveTo(px(lo), py(lo));
      ctx.lineTo(px(hi), py(hi));
    } else {
      ctx.moveTo(px(lo), py(0));
      ctx.lineTo(px(hi), py(0));
    }
    ctx.stroke();
    ctx.fillStyle = color('--accent');
    ctx.globalAlpha = 0.6;
    for (let i = 0; i < xs.length; i++) ctx.fillRect(px(xs[i]!) - 1.5, py(ys[i]!) - 1.5, 3, 3);
    ctx.globalAlpha = 1;
    ctx.fillStyle = color('--muted');
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(`${xLabel} (${lo.toPrecision(3)} … ${hi.toPrecision(3)})`, pad, SIZE - 10);
    ctx.save();
    ctx.translate(12, SIZE - pad);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(yLabel, 0, 0);
    ctx.restore();
  }, [xs, ys, reference, xLabel, yLabel]);
  return <canvas ref={ref} data-testid={testId} style={{ width: SIZE, height: SIZE }} role="img" aria-label={`${yLabel} against ${xLabel}, ${xs.length} points`} />;
}
