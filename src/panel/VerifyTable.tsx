import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { cellNumber } from '../resultFacts';
import { ICellVerifyResult } from '../types';

/** Whether the cell's outputs matched the notebook's: true, false, or null when unknown. */
function outputsMatch(cell: ICellVerifyResult): boolean | null {
  return cell.output_match ?? null;
}

function errorText(cell: ICellVerifyResult): string {
  const error = cell.error;
  if (!error) {
    return '';
  }
  if (typeof error === 'string') {
    return error;
  }
  return [error.ename, error.evalue].filter(Boolean).join(': ');
}

/** Each cell's verdict when the notebook ran in the image. */
export function VerifyTable(props: {
  cells: ICellVerifyResult[];
  trans: TranslationBundle;
}): JSX.Element {
  const { cells, trans } = props;
  const bad = (cell: ICellVerifyResult) =>
    cell.status === 'failed' ||
    cell.status === 'timeout' ||
    outputsMatch(cell) === false;
  const failed = cells.filter(bad).length;
  return (
    <>
      <h4 className="jp-Containerize-subTitle">
        {failed
          ? trans._n(
              'Verify: %1 cell differs',
              'Verify: %1 cells differ',
              failed
            )
          : trans.__('Verify: every cell ran as in the notebook')}
      </h4>
      <table className="jp-Containerize-table jp-Containerize-verify">
        <thead>
          <tr>
            <th scope="col">{trans.__('Cell')}</th>
            <th scope="col">{trans.__('Status')}</th>
            <th scope="col">{trans.__('Outputs')}</th>
          </tr>
        </thead>
        <tbody>
          {cells.map(cell => {
            const match = outputsMatch(cell);
            const error = errorText(cell);
            return (
              <tr
                key={cell.index}
                className={bad(cell) ? 'jp-Containerize-mismatch' : undefined}
              >
                <td>{cellNumber(cell)}</td>
                <td>
                  {cell.status}
                  {error && (
                    <div className="jp-Containerize-cellError">{error}</div>
                  )}
                </td>
                <td>
                  {match === true
                    ? trans.__('match')
                    : match === false
                      ? trans.__('differ')
                      : trans.__('not compared')}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
