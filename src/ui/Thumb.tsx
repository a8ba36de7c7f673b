import { useEffect, useRef } from 'react';
import type { ThumbnailData } from '../worker/protocol';

/** A small image from RGBA bytes, drawn on a canvas and scaled up with crisp pixels. */
export function Thumb({ thumb, size = 48, title }: { thumb: ThumbnailData; size?: number; title?: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const data = new ImageData(new Uint8ClampedArray(thumb.rgba), thumb.width, thumb.height);
    ctx.putImageData(data, 0, 0);
  }, [thumb]);
  return <canvas ref={ref} className="thumb" width={thumb.width} height={thumb.height} style={{ width: size, height: size }} role="img" aria-label={title ?? thumb.label} title={title ?? thumb.path} />;
}
