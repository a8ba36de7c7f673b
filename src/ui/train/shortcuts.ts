import { useEffect } from 'react';

interface ShortcutActions {
  start(): void;
  togglePause(): void;
  stop(): void;
}

/** The keys, shown next to the buttons and in their `aria-keyshortcuts`. */
const TRAIN_KEYS = { start: 't', togglePause: 'p', stop: 's' } as const;

/** True when the key press belongs to a form control or editable text, not to the page. */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  return el.isContentEditable || el.closest('input, textarea, select, [contenteditable="true"]') !== null;
}

/**
 * Keyboard shortcuts for the run controls: T starts, P pauses or resumes, S stops.
 * Ignored while typing in a field and with Ctrl/Alt/Meta held, so browser shortcuts keep working.
 */
export function useTrainShortcuts(actions: ShortcutActions): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.altKey || e.metaKey || e.repeat || typing(e.target)) return;
      const key = e.key.toLowerCase();
      if (key === TRAIN_KEYS.start) actions.start();
      else if (key === TRAIN_KEYS.togglePause) actions.togglePause();
      else if (key === TRAIN_KEYS.stop) actions.stop();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [actions]);
}
