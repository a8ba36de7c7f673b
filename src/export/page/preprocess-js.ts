/**
 * preprocess.js: the data layer's transform (encode/apply.ts, csv/cells.ts,
 * images/resize.ts) as one plain browser script for the bundle's page. It
 * defines `VoltPreprocess` on the global object and nothing else. Tested
 * against the TypeScript originals on the same rows and images.
 */
export const PREPROCESS_JS = String.raw`/* Volt Studio preprocessing, as applied in the studio (generated; driven by preprocessing.json). */
(function (root) {
  'use strict';
  var MISSING = ['', 'na', 'n/a', 'nan', 'null', 'none', '?', '#n/a', 'missing'];
  var NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
  var DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
  var ISO_DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
  var SLASH_YMD = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;
  var SLASH_XYY = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/;

  function isMissing(cell) {
    return cell === null || cell === undefined || MISSING.indexOf(String(cell).trim().toLowerCase()) >= 0;
  }
  // Blank cells always; marker words only where the spec lists them (all of them when it has no list).
  function isMissingIn(cell, words) {
    if (cell === null || cell === undefined || String(cell).trim() === '') return true;
    if (!words) return isMissing(cell);
    return words.indexOf(String(cell).trim().toLowerCase()) >= 0;
  }
  function parseNumber(cell, decimalComma) {
    var s = cell.trim();
    if (NUMBER.test(s)) return Number(s);
    if (decimalComma && DECIMAL_COMMA.test(s)) return Number(s.replace(',', '.'));
    return null;
  }
  function parseBoolean(cell) {
    var s = cell.trim().toLowerCase();
    if (['true', 'yes', 'y', 't', '1'].indexOf(s) >= 0) return true;
    if (['false', 'no', 'n', 'f', '0'].indexOf(s) >= 0) return false;
    return null;
  }
  function parseDate(cell, dayFirst) {
    var s = cell.trim(), y, m, d, hh = 0, mm = 0, ss = 0, match;
    if ((match = ISO_DATE.exec(s))) {
      y = +match[1]; m = +match[2]; d = +match[3];
      hh = +(match[4] || 0); mm = +(match[5] || 0); ss = +(match[6] || 0);
    } else if ((match = SLASH_YMD.exec(s))) {
      y = +match[1]; m = +match[2]; d = +match[3];
    } else if ((match = SLASH_XYY.exec(s))) {
      y = +match[3];
      if (dayFirst) { d = +match[1]; m = +match[2]; } else { d = +match[2]; m = +match[1]; }
    } else return null;
    if (m < 1 || m > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60) return null;
    var ms = Date.UTC(y, m - 1, d, hh, mm, ss);
    if (new Date(ms).getUTCDate() !== d) return null;
    return ms / 86400000;
  }
  function readFeatureNumber(f, cell) {
    if (isMissing(cell)) return NaN;
    var v;
    if (f.read === 'date') v = parseDate(cell, f.dayFirst);
    else if (f.read === 'boolean') { var b = parseBoolean(cell); v = b === null ? null : b ? 1 : 0; }
    else v = parseNumber(cell, f.decimalComma);
    return v === null ? NaN : v;
  }
  function width(spec) { return spec.featureNames.length; }
  // Year, month (1-12) or weekday (Monday 0) of a date in days since 1970, in UTC.
  function datePart(days, part) {
    var d = new Date(Math.floor(days) * 86400000);
    if (part === 'year') return d.getUTCFullYear();
    if (part === 'month') return d.getUTCMonth() + 1;
    return (d.getUTCDay() + 6) % 7;
  }

  /** One row ({column: cell text}) → Float32Array of the model's inputs. */
  function encodeRow(spec, row) {
    var out = new Float32Array(width(spec)), at = 0;
    spec.features.forEach(function (f) {
      var raw = Object.prototype.hasOwnProperty.call(row, f.column) ? row[f.column] : '';
      var cell = raw === null || raw === undefined ? '' : String(raw), missing;
      if (f.kind === 'numeric') {
        var n = readFeatureNumber(f, cell);
        missing = isNaN(n);
        out[at++] = ((missing ? f.fill : n) - f.mean) / f.std;
        (f.dateParts || []).forEach(function (p) {
          out[at++] = ((missing ? p.fill : datePart(n, p.part)) - p.mean) / p.std;
        });
      } else {
        missing = isMissingIn(cell, f.missing);
        var value = missing ? f.fill : cell.trim();
        var k = value === null ? -1 : f.categories.indexOf(value);
        if (k >= 0) out[at + k] = 1;
        else if (value !== null && f.other) out[at + f.categories.length] = 1;
        at += f.categories.length + (f.other ? 1 : 0);
      }
      if (f.missingIndicator) out[at++] = missing ? 1 : 0;
    });
    return out;
  }
  function decodeRegression(target, value) {
    return target && target.task === 'regression' ? value * target.std + target.mean : value;
  }

  function toChannels(img, channels, background) {
    var n = img.width * img.height, out = new Float32Array(n * channels), d = img.data;
    for (var p = 0; p < n; p++) {
      var a = d[p * 4 + 3] / 255, bg = (1 - a) * background;
      var r = d[p * 4] * a + bg, g = d[p * 4 + 1] * a + bg, b = d[p * 4 + 2] * a + bg;
      if (channels === 1) out[p] = 0.299 * r + 0.587 * g + 0.114 * b;
      else { out[p * 3] = r; out[p * 3 + 1] = g; out[p * 3 + 2] = b; }
    }
    return out;
  }
  function bilinear(src, w, h, c, ow, oh) {
    var out = new Float32Array(ow * oh * c), sx = w / ow, sy = h / oh;
    for (var y = 0; y < oh; y++) {
      var fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1), y0 = Math.floor(fy), y1 = Math.min(y0 + 1, h - 1), wy = fy - y0;
      for (var x = 0; x < ow; x++) {
        var fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1), x0 = Math.floor(fx), x1 = Math.min(x0 + 1, w - 1), wx = fx - x0;
        for (var k = 0; k < c; k++) {
          var top = src[(y0 * w + x0) * c + k] * (1 - wx) + src[(y0 * w + x1) * c + k] * wx;
          var bottom = src[(y1 * w + x0) * c + k] * (1 - wx) + src[(y1 * w + x1) * c + k] * wx;
          out[(y * ow + x) * c + k] = top * (1 - wy) + bottom * wy;
        }
      }
    }
    return out;
  }
  function areaWeights(size, outSize) {
    var scale = size / outSize, all = [];
    for (var o = 0; o < outSize; o++) {
      var start = o * scale, end = (o + 1) * scale, cells = [];
      for (var i = Math.floor(start); i < Math.min(Math.ceil(end), size); i++) {
        var overlap = Math.min(end, i + 1) - Math.max(start, i);
        if (overlap > 1e-9) cells.push([i, overlap / scale]);
      }
      all.push(cells);
    }
    return all;
  }
  function area(src, w, h, c, ow, oh) {
    var out = new Float32Array(ow * oh * c), xs = areaWeights(w, ow), ys = areaWeights(h, oh);
    for (var y = 0; y < oh; y++) for (var x = 0; x < ow; x++) {
      ys[y].forEach(function (yy) {
        xs[x].forEach(function (xx) {
          var weight = xx[1] * yy[1], from = (yy[0] * w + xx[0]) * c, to = (y * ow + x) * c;
          for (var k = 0; k < c; k++) out[to + k] = out[to + k] + weight * src[from + k];
        });
      });
    }
    return out;
  }
  /** {width, height, data: RGBA bytes} → Float32Array height × width × channels in [0, 1]. */
  function encodeImage(spec, img) {
    var full = toChannels(img, spec.channels, spec.background), w = img.width, h = img.height;
    var pixels;
    if (w === spec.width && h === spec.height) pixels = full.slice();
    else {
      var method = spec.resize === 'auto' ? (spec.width <= w && spec.height <= h ? 'area' : 'bilinear') : spec.resize;
      pixels = (method === 'area' ? area : bilinear)(full, w, h, spec.channels, spec.width, spec.height);
    }
    for (var p = 0; p < pixels.length; p++) pixels[p] = Math.min(1, Math.max(0, pixels[p] / 255));
    return pixels;
  }

  root.VoltPreprocess = { encodeRow: encodeRow, encodeImage: encodeImage, decodeRegression: decodeRegression, isMissing: isMissing };
})(typeof self !== 'undefined' ? self : globalThis);
`;
