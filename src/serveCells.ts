/**
 * The serve target's cell contract (docs/serve.md): the `parameters` cell holds a request's
 * defaults, cells tagged `output` make the response. A notebook with no `output` cell answers
 * `{"outputs": []}`: the panel says so before the build and tags cells in one click.
 */
import { IDisposable } from '@lumino/disposable';

/** The tag whose cells' outputs go into the service's response. */
export const OUTPUT_TAG = 'output';
/** The tag of the cell that holds the request's parameters and their defaults. */
export const PARAMETERS_TAG = 'parameters';

/** A cell of the open notebook, as the contract needs it. */
export interface ICellInfo {
  type: string;
  tags: string[];
  /** Selected, or the active cell. */
  selected: boolean;
}

/** The open notebook's cells: read, tag, and follow their changes. */
export interface INotebookCells {
  cells(): ICellInfo[];
  /** Adds `tag` to the cells at these indices (other tags kept). */
  addTag(indices: number[], tag: string): void;
  /** Calls back when a cell or its tags change; disposing stops it. */
  watch(callback: () => void): IDisposable;
}

/** What the serve contract finds in a notebook. */
export interface IServeCells {
  hasParameters: boolean;
  outputCells: number;
  codeCells: number;
}

export function serveCells(cells: ICellInfo[]): IServeCells {
  const code = cells.filter(cell => cell.type === 'code');
  return {
    hasParameters: code.some(cell => cell.tags.includes(PARAMETERS_TAG)),
    outputCells: code.filter(cell => cell.tags.includes(OUTPUT_TAG)).length,
    codeCells: code.length
  };
}

/**
 * The cells one click tags `output`: the selected code cells (not the parameters cell), else
 * the last code cell. Empty when the notebook has no code cell to tag.
 */
export function cellsToTag(cells: ICellInfo[]): number[] {
  const candidates = cells
    .map((cell, index) => ({ cell, index }))
    .filter(
      ({ cell }) =>
        cell.type === 'code' &&
        !cell.tags.includes(PARAMETERS_TAG) &&
        !cell.tags.includes(OUTPUT_TAG)
    );
  const selected = candidates.filter(({ cell }) => cell.selected);
  if (selected.length) {
    return selected.map(({ index }) => index);
  }
  return candidates.length ? [candidates[candidates.length - 1].index] : [];
}

/** Tags, as a cell's metadata holds them: a list of strings, or nothing. */
export function readTags(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((tag): tag is string => typeof tag === 'string')
    : [];
}
