/**
 * Making user strings (dataset, column and class names) safe where exports
 * put them: HTML, Markdown, CSV cells and file names.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML element content or attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * Text for Markdown: HTML-escaped (Markdown viewers render raw HTML) and
 * with Markdown's own markup characters backslash-escaped; newlines become spaces.
 */
export function markdownText(text: string): string {
  return escapeHtml(text.replace(/[\r\n]+/g, ' ')).replace(/([\\`*_{}[\]()#+!|~])/g, '\\$1');
}

/** One CSV cell (RFC 4180 quoting); cells a spreadsheet would run as formulas get a leading quote. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A file name safe on every system and inside a zip: no folders (so no path
 * traversal), no control or reserved characters, no leading dots, at most
 * 100 characters. Returns `fallback` when nothing usable is left.
 */
export function sanitizeFileName(name: string, fallback = 'file'): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  let clean = base
    .normalize('NFKC')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[._]+/, '')
    .replace(/[._]+$/, '');
  if (clean.length > 100) {
    const dot = clean.lastIndexOf('.');
    const ext = dot > 0 && clean.length - dot <= 10 ? clean.slice(dot) : '';
    clean = clean.slice(0, 100 - ext.length) + ext;
  }
  // Names Windows reserves for devices, with or without an extension.
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(clean)) clean = `_${clean}`;
  return clean === '' ? fallback : clean;
}

