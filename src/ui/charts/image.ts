/**
 * A chart as PNG bytes: a canvas chart copies its own pixels; a recharts
 * chart's SVG is serialised and drawn onto an offscreen canvas. Both get an
 * opaque background (the page's panel colour) so the image reads outside it.
 */
const SCALE = 2;

function blobOf(canvas: HTMLCanvasElement): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((b) => (b ? b.arrayBuffer().then(resolve, reject) : reject(new Error('the chart could not be encoded as PNG'))), 'image/png');
  });
}

function backdrop(el: Element): string {
  return getComputedStyle(el).getPropertyValue('--panel').trim() || '#ffffff';
}

function canvasPng(source: HTMLCanvasElement): Promise<ArrayBuffer> {
  const out = document.createElement('canvas');
  out.width = source.width;
  out.height = source.height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = backdrop(source);
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(source, 0, 0);
  return blobOf(out);
}

async function svgPng(svg: SVGSVGElement, under: readonly HTMLCanvasElement[]): Promise<ArrayBuffer> {
  const box = svg.getBoundingClientRect();
  const { width, height } = box;
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  // Text takes the page's font and colour from CSS, which a standalone SVG image does not see.
  const style = getComputedStyle(svg);
  copy.setAttribute('style', `font-family: ${style.fontFamily}; font-size: 12px;`);
  const url = URL.createObjectURL(new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const out = document.createElement('canvas');
    out.width = Math.ceil(width * SCALE);
    out.height = Math.ceil(height * SCALE);
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = backdrop(svg);
    ctx.fillRect(0, 0, out.width, out.height);
    // Canvas images laid under the SVG (the decision boundary's grid) go in at the same place.
    for (const c of under) {
      const r = c.getBoundingClientRect();
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(c, (r.left - box.left) * SCALE, (r.top - box.top) * SCALE, r.width * SCALE, r.height * SCALE);
    }
    ctx.drawImage(img, 0, 0, out.width, out.height);
    return await blobOf(out);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** PNG bytes of the chart inside `root` (its recharts SVG over any `canvas.chart-underlay`, else its canvas). */
export function chartPng(root: HTMLElement): Promise<ArrayBuffer> {
  const svg = root.querySelector<SVGSVGElement>('.recharts-wrapper > svg.recharts-surface');
  if (svg) return svgPng(svg, [...root.querySelectorAll<HTMLCanvasElement>('canvas.chart-underlay')]);
  const canvas = root.querySelector<HTMLCanvasElement>('canvas.plot');
  if (canvas) return canvasPng(canvas);
  return Promise.reject(new Error('this chart has nothing drawn to export yet'));
}
