/** Export is wired by the export work (model files and bundle); until then the step says so and offers nothing. */
export function ExportStep() {
  return (
    <section className="panel" aria-labelledby="export-heading">
      <h2 id="export-heading">Export</h2>
      <p className="muted" data-testid="export.pending">
        Export: coming next
      </p>
    </section>
  );
}
