import { useEffect } from 'react';
import { initRuns, useRunsStore } from '../../store/runs';
import { RunsOverlay } from './RunsOverlay';
import { RunsTable } from './RunsTable';
import './runs.css';

/**
 * Every run of this page and earlier loads: the overlay of the selected runs'
 * curves above a sortable table. Starts the runs store itself (idempotent),
 * so mounting it is all the app needs.
 */
export function RunsPanel() {
  const note = useRunsStore((s) => s.storageNote);
  const count = useRunsStore((s) => s.runs.length);
  useEffect(() => {
    void initRuns();
  }, []);
  return (
    <section className="panel runs-panel" aria-labelledby="runs-title">
      <h2 id="runs-title">
        Runs <span className="muted runs-count">{count ? `(${count})` : ''}</span>
      </h2>
      {note && (
        <p className="runs-note" role="status">
          {note}
        </p>
      )}
      <RunsOverlay />
      <RunsTable />
    </section>
  );
}
