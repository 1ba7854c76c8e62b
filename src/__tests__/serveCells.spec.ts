import { cellsToTag, ICellInfo, readTags, serveCells } from '../serveCells';

const cell = (
  type: string,
  tags: string[] = [],
  selected = false
): ICellInfo => ({ type, tags, selected });

describe('serveCells', () => {
  it('finds the parameters cell and counts the output cells', () => {
    expect(
      serveCells([
        cell('code', ['parameters']),
        cell('code', ['output']),
        cell('markdown', ['output']),
        cell('code')
      ])
    ).toEqual({ hasParameters: true, outputCells: 1, codeCells: 3 });
  });
});

describe('cellsToTag', () => {
  it('tags the selected code cells, never the parameters cell', () => {
    expect(
      cellsToTag([
        cell('code', ['parameters'], true),
        cell('code', [], true),
        cell('markdown', [], true),
        cell('code', [], true)
      ])
    ).toEqual([1, 3]);
  });

  it('tags the last code cell when no code cell is selected', () => {
    expect(
      cellsToTag([cell('code'), cell('code'), cell('markdown', [], true)])
    ).toEqual([1]);
  });

  it('has nothing to tag in a notebook without code', () => {
    expect(cellsToTag([cell('markdown'), cell('raw')])).toEqual([]);
  });
});

describe('readTags', () => {
  it('reads a list of strings, and nothing else', () => {
    expect(readTags(['a', 1, 'b'])).toEqual(['a', 'b']);
    expect(readTags('output')).toEqual([]);
    expect(readTags(undefined)).toEqual([]);
  });
});
