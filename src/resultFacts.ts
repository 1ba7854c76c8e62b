/**
 * A finished build's facts as the server wrote them, so the card, the verify table and the log
 * say the same: the size (`result.size_text`) and the cell numbers (`cells[].cell`).
 */
import { IBuildResult, ICellVerifyResult } from './types';

/**
 * 123456789 -> "123 MB": decimal units, as the server's `size_text` and `docker images` write
 * them; only for a record without `size_text` (the card and the log then show the same size).
 */
export function formatSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** The size the log printed, else the size in the same units. */
export function sizeText(result: IBuildResult): string | null {
  if (typeof result.size_text === 'string' && result.size_text) {
    return result.size_text;
  }
  return typeof result.size === 'number' ? formatSize(result.size) : null;
}

/** The cell's number as the log writes it: 1-based among all cells (the server's `cell`). */
export function cellNumber(cell: ICellVerifyResult): number {
  return typeof cell.cell === 'number' ? cell.cell : cell.index + 1;
}
