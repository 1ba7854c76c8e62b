import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { UNMAPPED_IMPORT } from '../staticPins';
import { IProblem } from '../types';
import { Section } from './Section';

/**
 * What the inspection found that the user should know: syntax errors, missing packages...
 * Cells are numbered from 1 in the panel, as in the server's messages (the spec counts from 0).
 */
export function ProblemsSection(props: {
  problems: IProblem[];
  trans: TranslationBundle;
}): JSX.Element | null {
  const { trans } = props;
  // Unmapped imports are shown above, with a way to name their package (UnmappedImports).
  const problems = props.problems.filter(p => p.kind !== UNMAPPED_IMPORT);
  if (problems.length === 0) {
    return null;
  }
  return (
    <Section title={trans.__('Problems')} badge={problems.length} warn>
      <ul className="jp-Containerize-list jp-Containerize-problems">
        {problems.map((problem, i) => (
          <li key={i} className="jp-Containerize-problem">
            {typeof problem.cell === 'number' && (
              <span className="jp-Containerize-cellRef">
                {trans.__('cell %1', problem.cell + 1)}
              </span>
            )}
            <span>{problem.message}</span>
          </li>
        ))}
      </ul>
    </Section>
  );
}
