/**
 * Number text for charts. Axis ticks are short and never in exponent form
 * (10k, not 1.0e+4; 0.0005, not 5.0e-4); tooltips and CSV cells show the
 * value itself (float32 metrics carry about 7 significant digits).
 */

/** Plain decimal text of `v` without exponent notation, trimmed of trailing zeros. */
function plain(v: number, digits: number): string {
  const rounded = Number(v.toPrecision(digits));
  const a = Math.abs(rounded);
  if (a !== 0 && a < 1e-6) {
    // String() switches to exponents below 1e-6: write the decimals out.
    const decimals = Math.min(100, digits - 1 - Math.floor(Math.log10(a)));
    return rounded.toFixed(decimals).replace(/\.?0+$/, '');
  }
  if (a >= 1e21) return rounded.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 0 });
  return String(rounded);
}

const UNITS: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** Axis tick text: 10k, 1.5M, 250, 0.3, 0.0005. */
export function tickText(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  for (const [size, unit] of UNITS) if (a >= size) return `${plain(v / size, 4)}${unit}`;
  return plain(v, 4);
}

/** A value as the tooltip and the CSV show it: every digit a float32 holds, no exponent. */
export function exactText(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return plain(v, 7);
}
