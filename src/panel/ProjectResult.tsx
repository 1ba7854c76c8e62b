import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { projectVerifyRows, projectVerifyTitle } from '../projectBuild';
import { IBuildResult } from '../types';
import { VerifyTable } from './VerifyTable';

/** A project build's notebooks and, with verify, each one's verdict; nothing for a notebook build. */
export function ProjectResult(props: {
  result: IBuildResult;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { result, trans } = props;
  const notebooks = Array.isArray(result.notebooks)
    ? (result.notebooks as unknown[]).filter(
        (name): name is string => typeof name === 'string'
      )
    : [];
  const rows = projectVerifyRows(result);
  if (notebooks.length === 0 && rows.length === 0) {
    return null;
  }
  return (
    <div className="jp-Containerize-projectResult">
      {notebooks.length > 0 && (
        <>
          <h4 className="jp-Containerize-subTitle">
            {trans._n(
              '%1 notebook in the image',
              '%1 notebooks in the image',
              notebooks.length
            )}
          </h4>
          <ul className="jp-Containerize-list">
            {notebooks.map(name => (
              <li key={name}>
                <code>{name}</code>
              </li>
            ))}
          </ul>
        </>
      )}
      {rows.length > 0 && (
        <>
          <h4 className="jp-Containerize-subTitle">
            {projectVerifyTitle(rows, trans)}
          </h4>
          {rows.map(row => (
            <details
              key={row.name}
              className="jp-Containerize-projectVerify"
              open={!row.passed}
            >
              <summary
                className={row.passed ? undefined : 'jp-Containerize-warnText'}
              >
                <code>{row.name}</code>
                {' — '}
                {row.passed ? trans.__('ran as saved') : trans.__('differs')}
              </summary>
              {row.cells.length > 0 && (
                <VerifyTable cells={row.cells} trans={trans} />
              )}
            </details>
          ))}
        </>
      )}
    </div>
  );
}
