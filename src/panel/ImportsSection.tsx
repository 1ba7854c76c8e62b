import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { ContainerizeModel } from '../model';
import { canonicalName } from '../specEdits';
import { unmappedModules } from '../staticPins';
import { Section } from './Section';

/** Imports no installed distribution provides, with the package that probably does. */
export function ImportsSection(props: {
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { model, trans } = props;
  // Imports no curated table maps have their own, more prominent block (UnmappedImports).
  const unmapped = new Set(model.spec ? unmappedModules(model.spec) : []);
  const unresolved = (model.spec?.imports ?? []).filter(
    record => record.kind === 'unresolved' && !unmapped.has(record.module)
  );
  if (unresolved.length === 0) {
    return null;
  }
  const added = new Set(model.edits.added.map(p => canonicalName(p.name)));
  return (
    <Section
      title={trans.__('Unresolved imports')}
      badge={unresolved.length}
      warn
    >
      <ul className="jp-Containerize-list">
        {unresolved.map(record => (
          <li key={record.module} className="jp-Containerize-listRow">
            <span className="jp-Containerize-grow">
              <code>{record.module}</code>
              {record.cells.length > 0 && (
                <span className="jp-Containerize-cellRef">
                  {trans._n(
                    'cell %2',
                    'cells %2',
                    record.cells.length,
                    record.cells.map(cell => cell + 1).join(', ')
                  )}
                </span>
              )}
              {record.optional && (
                <span className="jp-Containerize-muted">
                  {trans.__('optional')}
                </span>
              )}
            </span>
            {record.suggestion ? (
              added.has(canonicalName(record.suggestion)) ? (
                <span className="jp-Containerize-muted">
                  {trans.__('%1 added', record.suggestion)}
                </span>
              ) : (
                <Button
                  small
                  className="jp-mod-styled jp-mod-reject"
                  title={trans.__(
                    'Add the package %1 (latest version)',
                    record.suggestion
                  )}
                  onClick={() =>
                    model.addPackage({
                      name: record.suggestion as string,
                      version: null
                    })
                  }
                >
                  {trans.__('Add %1', record.suggestion)}
                </Button>
              )
            ) : (
              <span className="jp-Containerize-muted">
                {trans.__('no known package')}
              </span>
            )}
          </li>
        ))}
      </ul>
    </Section>
  );
}
