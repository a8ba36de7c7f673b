/**
 * Line colours of the overlay, by position in the selection (so any two
 * selected runs differ). Mid-tone hues that read on light and dark panels.
 */
const PALETTE = ['#2f6fed', '#e07a16', '#2f9e44', '#c2255c', '#7048e8', '#0c8599', '#b08900', '#868e96'];

export function runColor(selectionIndex: number): string {
  return PALETTE[((selectionIndex % PALETTE.length) + PALETTE.length) % PALETTE.length]!;
}
