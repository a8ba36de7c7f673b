import { useState, type RefObject } from 'react';
import { domSaveFile } from '../../store/export';
import { chartPng } from './image';

/** A file name from a chart's title: 'Loss by step' → 'loss-by-step'. */
function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'chart';
}

/**
 * PNG and CSV downloads of one chart, the same on every chart. The CSV holds
 * every logged point (not the downsampled ones drawn); `csv` is called only on
 * click, so a live chart pays nothing for it per update.
 */
export function ChartToolbar({ name, target, csv, testId }: { name: string; target: RefObject<HTMLElement | null>; csv: () => string; testId: string }) {
  const [error, setError] = useState<string | null>(null);
  const png = async () => {
    if (!target.current) return;
    try {
      setError(null);
      domSaveFile(await chartPng(target.current), `${slug(name)}.png`, 'image/png');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const data = () => domSaveFile(new TextEncoder().encode(csv()).buffer as ArrayBuffer, `${slug(name)}.csv`, 'text/csv');
  return (
    <span className="chart-toolbar">
      <button type="button" className="small" data-testid={`${testId}.png`} onClick={png} title={`Download ${name} as a PNG image`}>
        PNG
      </button>
      <button type="button" className="small" data-testid={`${testId}.csv`} onClick={data} title={`Download the data of ${name} as CSV`}>
        CSV
      </button>
      {error && (
        <span role="alert" className="small muted">
          {error}
        </span>
      )}
    </span>
  );
}

/** Which series of a chart the person switched off (by label). */
export function useHiddenSeries(): [ReadonlySet<string>, (label: string) => void] {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const toggle = (label: string) =>
    setHidden((prev) => {
      const next = new Set(prev);
      if (!next.delete(label)) next.add(label);
      return next;
    });
  return [hidden, toggle];
}

/** Legend entries as toggle buttons: a click hides or shows that series. */
export function ChartLegend({ items, hidden, onToggle, testId }: { items: readonly { label: string; color: string }[]; hidden: ReadonlySet<string>; onToggle: (label: string) => void; testId: string }) {
  return (
    <span className="legend">
      {items.map((it) => (
        <button
          type="button"
          key={it.label}
          className={`key legend-toggle${hidden.has(it.label) ? ' off' : ''}`}
          style={{ ['--key' as string]: it.color }}
          aria-pressed={!hidden.has(it.label)}
          data-testid={`${testId}.legend.${slug(it.label)}`}
          title={hidden.has(it.label) ? `Show ${it.label}` : `Hide ${it.label}`}
          onClick={() => onToggle(it.label)}
        >
          {it.label}
        </button>
      ))}
    </span>
  );
}
