/**
 * index.html of a bundle: static markup and three local scripts (the tfjs
 * runtime, the preprocessing and the page logic). Its content security
 * policy allows scripts and requests from its own origin only, so the page
 * works offline and cannot run inline or foreign code.
 */
import { escapeHtml } from '../text';

const PAGE_SCRIPTS = ['tf-setup.js', 'tf.min.js', 'preprocess.js', 'predict.js'] as const;

/**
 * tf.min.js's bundled regenerator runtime assigns an undeclared global and,
 * when strict mode refuses that, falls back to `Function(...)`, which the
 * page's policy (no 'unsafe-eval') blocks and which would abort the whole
 * runtime. Declaring the global first keeps the policy strict.
 */
export const TF_SETUP_JS = '/* Declares the global that tf.min.js assigns, so it needs no eval. */\nvar regeneratorRuntime;\n';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; form-action 'none'";

export function pageHtml(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1d2330; }
  .field { display: grid; grid-template-columns: 12rem 1fr; gap: .5rem; margin: .35rem 0; align-items: center; }
  label { overflow-wrap: anywhere; }
  button { margin-top: .75rem; padding: .4rem 1.2rem; }
  #result .row { display: flex; gap: .6rem; align-items: center; margin: .2rem 0; }
  #result .label { min-width: 8rem; overflow-wrap: anywhere; }
  #result .bar { display: inline-block; height: .8rem; background: #4b7bec; }
  #preview { max-width: 8rem; image-rendering: pixelated; display: block; margin: .5rem 0; }
  [role=alert] { color: #b00020; }
</style>
</head>
<body>
<h1 id="title" data-testid="page.title">${escapeHtml(title)}</h1>
<p id="status" role="status" data-testid="page.status">Loading the model…</p>
<form id="form" data-testid="page.form" hidden></form>
<div id="upload" hidden>
  <label for="image">Image (resized to <span id="image-size"></span>)</label>
  <input id="image" type="file" accept="image/*" data-testid="page.image">
  <img id="preview" alt="">
</div>
<div id="result" data-testid="page.result" aria-live="polite"></div>
<p><small>Runs entirely in this page with TensorFlow.js; nothing leaves your computer. See model-card.md for how the model was trained.</small></p>
${PAGE_SCRIPTS.map((s) => `<script src="${s}"></script>`).join('\n')}
</body>
</html>
`;
}
