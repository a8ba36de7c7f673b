/**
 * predict.js: the bundle page's script. It reads bundle.json and
 * preprocessing.json from its own folder, builds the form (or image upload)
 * with DOM calls, writes every user string with textContent (never as HTML),
 * loads model.json with a relative URL and shows class probabilities.
 * `window.voltPage` lets a test drive it without the form.
 */
export const PREDICT_JS = String.raw`/* Volt Studio standalone prediction page (generated). */
(function () {
  'use strict';
  var P = window.VoltPreprocess;
  var state = { model: null, spec: null, bundle: null };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function $(id) { return document.getElementById(id); }
  function setStatus(text, failed) {
    var s = $('status');
    s.textContent = text;
    s.setAttribute('role', failed ? 'alert' : 'status');
  }
  function fetchJson(name) {
    return fetch(new URL(name, document.baseURI).href).then(function (r) {
      if (!r.ok) throw new Error(name + ': HTTP ' + r.status);
      return r.json();
    });
  }

  /** Model outputs → [{label, probability}] (classification) or [{label, value}] (regression). */
  function interpret(values) {
    var b = state.bundle, labels = b.model.labels;
    if (b.model.output === 'regression') {
      return [{ label: b.model.target || 'prediction', value: P.decodeRegression(state.spec.target, values[0]) }];
    }
    var probs;
    if (b.model.output === 'sigmoid') {
      var p = 1 / (1 + Math.exp(-values[0]));
      probs = [1 - p, p];
    } else {
      var max = Math.max.apply(null, values), exps = values.map(function (v) { return Math.exp(v - max); });
      var sum = exps.reduce(function (a, c) { return a + c; }, 0);
      probs = exps.map(function (e) { return e / sum; });
    }
    return probs.map(function (p, i) { return { label: labels[i] !== undefined ? labels[i] : String(i), probability: p }; });
  }

  async function predictInputs(x) {
    var shape = [1].concat(state.bundle.model.inputShape);
    var input = tf.tensor(x, shape);
    var output = state.model.predict(input);
    var values = Array.from(await output.data());
    tf.dispose([input, output]);
    return interpret(values);
  }

  function showResult(result) {
    var box = $('result');
    box.textContent = '';
    var rows = result.slice().sort(function (a, b) { return (b.probability || 0) - (a.probability || 0); });
    rows.forEach(function (r, i) {
      var line = el('div', { class: 'row', 'data-testid': 'page.result.' + i });
      line.appendChild(el('span', { class: 'label' }, r.label));
      if (r.probability !== undefined) {
        var bar = el('span', { class: 'bar' });
        bar.style.width = Math.round(r.probability * 200) + 'px';
        line.appendChild(bar);
        line.appendChild(el('span', { class: 'value' }, (r.probability * 100).toFixed(1) + ' %'));
      } else {
        line.appendChild(el('span', { class: 'value' }, String(r.value)));
      }
      box.appendChild(line);
    });
  }

  function buildForm(spec) {
    var form = $('form');
    spec.features.forEach(function (f, i) {
      var id = 'feature-' + i;
      var label = el('label', { for: id }, f.column);
      var input;
      if (f.kind === 'categorical' || (f.kind === 'numeric' && f.read === 'boolean')) {
        input = el('select', { id: id, 'data-testid': 'page.input.' + i });
        var options = f.kind === 'categorical' ? f.categories.slice() : ['true', 'false'];
        if (f.kind === 'categorical' && f.other) options.push('(other)');
        input.appendChild(el('option', { value: '' }, '(missing)'));
        options.forEach(function (o) { input.appendChild(el('option', { value: o }, o)); });
        var fill = f.kind === 'categorical' ? f.fill : f.fill === 1 ? 'true' : 'false';
        if (fill !== null && fill !== undefined) input.value = fill;
      } else {
        input = el('input', { id: id, type: 'text', 'data-testid': 'page.input.' + i, inputmode: f.read === 'date' ? 'text' : 'decimal' });
        input.setAttribute('placeholder', f.read === 'date' ? 'YYYY-MM-DD' : 'e.g. ' + (f.read === 'number' ? +f.fill.toFixed(3) : ''));
      }
      form.appendChild(el('div', { class: 'field' })).append(label, input);
    });
    var button = el('button', { type: 'submit', 'data-testid': 'page.predict' }, 'Predict');
    form.appendChild(button);
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var row = {};
      spec.features.forEach(function (f, i) { row[f.column] = $('feature-' + i).value; });
      window.voltPage.predictRow(row).then(showResult, function (e) { setStatus('Prediction failed: ' + e.message, true); });
    });
    form.hidden = false;
  }

  function readImage(file) {
    return createImageBitmap(file).then(function (bitmap) {
      var canvas = el('canvas');
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      var ctx = canvas.getContext('2d');
      ctx.drawImage(bitmap, 0, 0);
      var data = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      $('preview').src = URL.createObjectURL(file);
      return { width: data.width, height: data.height, data: data.data };
    });
  }

  function buildUpload(spec) {
    var input = $('image');
    $('upload').hidden = false;
    $('image-size').textContent = spec.width + ' × ' + spec.height + (spec.channels === 1 ? ', greyscale' : ', colour');
    input.addEventListener('change', function () {
      if (!input.files || !input.files[0]) return;
      readImage(input.files[0])
        .then(function (img) { return window.voltPage.predictImage(img); })
        .then(showResult, function (e) { setStatus('Prediction failed: ' + e.message, true); });
    });
  }

  window.voltPage = {
    ready: false,
    predictRow: function (row) { return predictInputs(P.encodeRow(state.spec, row)); },
    predictImage: function (img) { return predictInputs(P.encodeImage(state.spec, img)); },
    predictInputs: predictInputs,
  };

  async function start() {
    try {
      var loaded = await Promise.all([fetchJson('bundle.json'), fetchJson('preprocessing.json')]);
      state.bundle = loaded[0];
      state.spec = loaded[1];
      $('title').textContent = state.bundle.card.dataset + ': ' + (state.bundle.model.output === 'regression' ? 'regression' : 'classification');
      state.model = await tf.loadLayersModel(new URL('model.json', document.baseURI).href);
      if (state.spec.kind === 'table') buildForm(state.spec);
      else buildUpload(state.spec);
      window.voltPage.ready = true;
      document.body.setAttribute('data-ready', 'true');
      setStatus('Model loaded (' + tf.getBackend() + ').');
    } catch (e) {
      setStatus('Could not load the model: ' + e.message + '. Serve this folder with a static server (e.g. npx serve, python3 -m http.server); file:// pages cannot fetch.', true);
    }
  }
  start();
})();
`;
