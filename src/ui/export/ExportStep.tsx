/**
 * The Export step: downloads of the trained model (tfjs files, the bundle,
 * the PyTorch Lightning project), the compression table measured before any
 * download, and a model loaded back in (schema check, metrics, "Try it").
 */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { canExport, compareVariants, exportModel, importModel, useStore } from '../../store';
import type { ExportVariant } from '../../worker/protocol';
import { formatBytes, formatMetric } from '../format';
import { ImportPanel } from './ImportPanel';
import { RunBanner } from '../RunBanner';

function VariantsTable() {
  const { variants, current, busy } = useStore(
    useShallow((s) => ({ variants: s.variantsRunId === s.runId ? s.variants : null, current: s.runId, busy: s.exportBusy })),
  );
  useEffect(() => {
    // Measured once per run, when the step opens: the table is what a person reads before choosing.
    if (!variants && !busy && current) void compareVariants();
  }, [variants, busy, current]);
  if (!variants) return <p className="muted" data-testid="export.variants.pending">Measuring the compressed variants…</p>;
  const names = [...new Set(variants.variants.flatMap((v) => Object.keys(v.metrics)))];
  return (
    <table className="metrics variants" data-testid="export.variants">
      <caption>
        Weights and their cost, measured on the {variants.count} {variants.split} rows
      </caption>
      <thead>
        <tr>
          <th>variant</th>
          <th>size</th>
          {names.map((n) => (
            <th key={n}>{n}</th>
          ))}
          <th />
        </tr>
      </thead>
      <tbody>
        {variants.variants.map((v) => (
          <tr key={v.variant} data-testid={`export.variants.${v.variant}`}>
            <td>{v.variant}</td>
            <td data-testid={`export.variants.${v.variant}.size`}>{formatBytes(v.bytes)}</td>
            {names.map((n) => (
              <td key={n} data-testid={`export.variants.${v.variant}.${n}`}>
                {v.metrics[n] !== undefined ? formatMetric(v.metrics[n]) : '—'}
              </td>
            ))}
            <td>
              <button type="button" data-testid={`export.variant.${v.variant}`} disabled={busy !== null} onClick={() => void exportModel('tfjs', v.variant as ExportVariant)}>
                Download
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ExportStep() {
  const { ready, busy, error, last } = useStore(useShallow((s) => ({ ready: canExport(s), busy: s.exportBusy, error: s.exportError, last: s.lastExport })));
  return (
    <section className="panel" aria-labelledby="export-heading">
      <h2 id="export-heading">Export</h2>
      {!ready && (
        <p className="muted" data-testid="export.empty">
          Train a model (or stop a run) to download it. You can still load a model back in below.
        </p>
      )}
      {ready && (
        <>
          <RunBanner offerEvaluate={false} />
          <div className="actions">
            <button type="button" data-testid="export.download" disabled={busy !== null} onClick={() => void exportModel('tfjs')}>
              Model files (TensorFlow.js, .zip)
            </button>
            <button type="button" data-testid="export.bundle" disabled={busy !== null} onClick={() => void exportModel('bundle')}>
              Bundle with a prediction page (.zip)
            </button>
            <button type="button" data-testid="export.pytorch" disabled={busy !== null} onClick={() => void exportModel('pytorch')}>
              PyTorch Lightning project (.zip)
            </button>
          </div>
          <VariantsTable />
        </>
      )}
      {busy && (
        <p role="status" data-testid="export.status">
          Working: {busy.what}…
        </p>
      )}
      {error && (
        <p role="alert" className="error" data-testid="export.error">
          {error}
        </p>
      )}
      {last && (
        <p className="muted" data-testid="export.last">
          Saved {last.fileName} ({formatBytes(last.bytes)}: {last.files.join(', ')})
        </p>
      )}
      <h3>Load a model back in</h3>
      <label>
        A bundle .zip, or model.json with its .bin shards:{' '}
        <input
          type="file"
          multiple
          accept=".zip,.json,.bin"
          data-testid="export.import"
          onChange={(e) => {
            const files = Array.from(e.currentTarget.files ?? []).map((file) => ({ path: file.name, file }));
            e.currentTarget.value = '';
            void importModel(files);
          }}
        />
      </label>
      <ImportPanel />
    </section>
  );
}
