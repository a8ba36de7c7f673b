import { useState } from 'react';
import { configureData, loadBuiltin, uploadFiles, useStore } from '../../store';
import type { DataFailure, DatasetReport } from '../../worker/protocol';
import { Thumb } from '../Thumb';
import { droppedFiles, pickedFiles } from './files';
import { DataTables } from './DataTables';
import { Augmentation } from './Augmentation';

const BUILTINS: Array<{ name: string; title: string; toy?: boolean }> = [
  { name: 'mnist', title: 'MNIST digits' },
  { name: 'iris', title: 'Iris' },
  { name: 'penguins', title: 'Penguins' },
  { name: 'cars', title: 'Cars (regression)' },
  { name: 'regression', title: 'y = 2x', toy: true },
  { name: 'circle', title: 'Circle', toy: true },
  { name: 'xor', title: 'XOR', toy: true },
  { name: 'spiral', title: 'Spirals', toy: true },
  { name: 'gaussians', title: 'Gaussians', toy: true },
];

function Builtins() {
  const current = useStore((s) => (s.dataset?.source === 'builtin' ? s.dataset.name : null));
  const [noise, setNoise] = useState(0.1);
  const load = (name: string, toy?: boolean) => void loadBuiltin(toy ? { name, noise } : { name });
  const currentToy = BUILTINS.find((b) => b.name === current && b.toy);
  return (
    <div className="builtins">
      <h3>Built-in datasets</h3>
      <div className="buttons">
        {BUILTINS.map((b) => (
          <button key={b.name} type="button" data-testid={`data.builtin.${b.name}`} aria-pressed={current === b.name} className={current === b.name ? 'chosen' : ''} onClick={() => load(b.name, b.toy)}>
            {b.title}
          </button>
        ))}
      </div>
      <label className="inline">
        Noise of the toy sets{' '}
        <input
          data-testid="data.noise"
          type="range"
          min={0}
          max={0.5}
          step={0.05}
          value={noise}
          onChange={(e) => setNoise(Number(e.target.value))}
          onPointerUp={() => currentToy && load(currentToy.name, true)}
          onKeyUp={() => currentToy && load(currentToy.name, true)}
        />{' '}
        <span className="num">{noise.toFixed(2)}</span>
      </label>
    </div>
  );
}

function Upload() {
  const [size, setSize] = useState(28);
  const [channels, setChannels] = useState<1 | 3>(1);
  const [over, setOver] = useState(false);
  const options = { imageSize: size, channels };
  return (
    <div
      className={over ? 'dropzone over' : 'dropzone'}
      data-testid="data.dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void droppedFiles(e.dataTransfer).then((files) => uploadFiles(files, options));
      }}
    >
      <h3>Your data</h3>
      <p className="muted">A CSV file, images in one folder per class, or a .zip of those folders. Drop them here or pick them.</p>
      <div className="row pickers">
        <label className="inline">
          Files{' '}
          <input
            data-testid="data.upload"
            type="file"
            multiple
            aria-label="Choose a CSV file, images or a .zip"
            accept=".csv,.tsv,.txt,.zip,image/*"
            onChange={(e) => {
              const files = pickedFiles(e.target.files);
              e.target.value = '';
              void uploadFiles(files, options);
            }}
          />
        </label>
        <label className="inline">
          Folder{' '}
          <input
            data-testid="data.upload-folder"
            type="file"
            multiple
            aria-label="Choose a folder of images, one subfolder per class"
            {...{ webkitdirectory: '', directory: '' }}
            onChange={(e) => {
              const files = pickedFiles(e.target.files);
              e.target.value = '';
              void uploadFiles(files, options);
            }}
          />
        </label>
      </div>
      <div className="row">
        <label className="inline">
          Image size{' '}
          <select data-testid="data.image-size" value={size} onChange={(e) => setSize(Number(e.target.value))}>
            {[28, 32, 64, 96, 128].map((n) => (
              <option key={n} value={n}>
                {n}×{n}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Colour{' '}
          <select data-testid="data.channels" value={channels} onChange={(e) => setChannels(Number(e.target.value) as 1 | 3)}>
            <option value={1}>grayscale</option>
            <option value={3}>RGB</option>
          </select>
        </label>
      </div>
    </div>
  );
}

function Loading() {
  const loading = useStore((s) => s.dataLoading);
  if (!loading) return null;
  const p = loading.progress;
  return (
    <div className="data-progress" data-testid="data.progress" role="status">
      <progress max={1} value={p && p.total > 0 ? p.done / p.total : undefined} aria-label="Loading data" />
      <span className="muted">
        {p ? `${p.phase} ${p.file}: ${p.total > 1 ? `${Math.round((100 * p.done) / p.total)}%` : '…'}` : `Loading ${loading.what}…`}
      </span>
    </div>
  );
}

function ErrorView({ failure }: { failure: DataFailure }) {
  const i = failure.issue;
  return (
    <div className="error" role="alert" data-testid="data.error">
      <strong>Could not load the data.</strong> {failure.message}
      {i && (
        <dl className="issue">
          <dt>File</dt>
          <dd>{i.file}</dd>
          {i.row !== undefined && (
            <>
              <dt>Row</dt>
              <dd>{i.row}</dd>
            </>
          )}
          {i.column !== undefined && (
            <>
              <dt>Column</dt>
              <dd>{i.column}</dd>
            </>
          )}
          {i.found !== undefined && (
            <>
              <dt>Found</dt>
              <dd>{i.found}</dd>
            </>
          )}
          <dt>Expected</dt>
          <dd>{i.expected}</dd>
        </dl>
      )}
      <div className="muted">The dataset loaded before is still loaded.</div>
    </div>
  );
}

const PERCENTS = [0, 5, 10, 15, 20, 25, 30, 40];

function Choices({ report }: { report: DatasetReport }) {
  const pct = (f: number) => Math.round(f * 100);
  const nearest = (f: number) => PERCENTS.reduce((a, b) => (Math.abs(b - pct(f)) < Math.abs(a - pct(f)) ? b : a), 0);
  return (
    <div className="row choices">
      {report.table && (
        <label className="inline">
          Target{' '}
          <select data-testid="data.target" value={report.table.target} onChange={(e) => void configureData({ target: e.target.value })}>
            {report.table.columns.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="inline">
        Task{' '}
        <select data-testid="data.task" value={report.task} disabled={!report.table || report.source !== 'upload'} onChange={(e) => void configureData({ task: e.target.value as DatasetReport['task'] })}>
          <option value="classification">classification</option>
          <option value="regression">regression</option>
        </select>
      </label>
      <label className="inline">
        Validation{' '}
        <select data-testid="data.validation" value={nearest(report.validationFraction)} onChange={(e) => void configureData({ validation: Number(e.target.value) / 100 })}>
          {PERCENTS.filter((p) => p > 0).map((p) => (
            <option key={p} value={p}>
              {p}%
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        Test{' '}
        <select data-testid="data.test" value={nearest(report.testFraction)} onChange={(e) => void configureData({ test: Number(e.target.value) / 100 })}>
          {PERCENTS.map((p) => (
            <option key={p} value={p}>
              {p}%
            </option>
          ))}
        </select>
      </label>
      <span className="muted" data-testid="data.splits">
        {report.splits.train} train · {report.splits.validation} validation · {report.splits.test} test
      </span>
    </div>
  );
}

function Images({ report }: { report: DatasetReport }) {
  const im = report.image!;
  return (
    <div data-testid="data.images">
      <h3>Classes</h3>
      <div className="class-grid" data-testid="data.classes">
        {im.classes.map((c) => (
          <div key={c.name} className="class-card">
            <div>
              <strong>{c.name}</strong> <span className="muted">{c.count} images</span>
            </div>
            <div className="thumbs" data-testid="data.thumbnails">
              {im.thumbnails
                .filter((t) => t.label === c.name)
                .map((t, k) => (
                  <Thumb key={k} thumb={t} size={40} />
                ))}
            </div>
          </div>
        ))}
      </div>
      {(im.ignored.length > 0 || im.skipped.length > 0) && (
        <details className="notes">
          <summary>
            {im.ignored.length} file(s) ignored, {im.skipped.length} skipped
          </summary>
          <ul data-testid="data.skipped">
            {im.skipped.map((f) => (
              <li key={`s:${f.path}`}>
                skipped: {f.path} — {f.reason}
              </li>
            ))}
            {im.ignored.map((f) => (
              <li key={`i:${f.path}`}>
                ignored: {f.path} — {f.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

export function DataStep() {
  const report = useStore((s) => s.dataset);
  const error = useStore((s) => s.dataError);
  return (
    <section className="panel" aria-labelledby="data-heading">
      <h2 id="data-heading">Data</h2>
      <div className="data-sources">
        <Builtins />
        <Upload />
      </div>
      <Loading />
      {error && <ErrorView failure={error} />}
      {report && (
        <div className="dataset" data-testid="data.summary">
          <h3>
            {report.name} <span className="muted">· {report.rows} rows · {report.task} · input [{report.inputShape.join(', ')}]{report.labelNames.length ? ` · ${report.labelNames.length} classes` : ''}</span>
          </h3>
          <Choices report={report} />
          {report.warnings.length > 0 && (
            <ul className="warnings" data-testid="data.warnings">
              {report.warnings.slice(0, 8).map((w, k) => (
                <li key={k}>{w}</li>
              ))}
            </ul>
          )}
          {report.inputShape.length === 3 && <Augmentation isDigits={report.name === 'mnist'} />}
          {report.image && <Images report={report} />}
          {report.table && <DataTables report={report} />}
        </div>
      )}
    </section>
  );
}
