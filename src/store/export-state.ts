/** The Export step's slice, apart from its actions so that state.ts can import it without a cycle. */
import type { ImportReport, Prediction, VariantsReport } from '../worker/protocol';

export interface ExportSlice {
  /** The export request in flight: what it makes. */
  exportBusy: { what: string } | null;
  exportError: string | null;
  /** The last file downloaded: name, size and the names inside the zip. */
  lastExport: { runId: string | null; fileName: string; bytes: number; files: string[] } | null;
  /** The compression table of the run `variantsRunId`. */
  variants: VariantsReport | null;
  variantsRunId: string | null;
  imported: ImportReport | null;
  importedPrediction: Prediction | null;
  importedPredictionError: string | null;
  /** Whether a prediction with the imported model is in flight. */
  importedPredicting: boolean;
}

export const initialExport: ExportSlice = {
  exportBusy: null,
  exportError: null,
  lastExport: null,
  variants: null,
  variantsRunId: null,
  imported: null,
  importedPrediction: null,
  importedPredictionError: null,
  importedPredicting: false,
};

