import { TranslationBundle } from '@jupyterlab/translation';
import { Button, InputGroup } from '@jupyterlab/ui-components';
import * as React from 'react';

import { ContainerizeModel } from '../model';
import { canonicalName, parseRequirement } from '../specEdits';
import { unmappedModules } from '../staticPins';
import { IImportRecord } from '../types';

/**
 * Imports no curated table maps to a package (`unmapped-import`, notebooks without a kernel):
 * nothing is installed for them on a guess, so the user names the package, through the same
 * "add package" edit as the Packages section.
 */
export function UnmappedImports(props: {
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { model, trans } = props;
  const spec = model.spec;
  const modules = spec ? unmappedModules(spec) : [];
  if (!spec || modules.length === 0) {
    return null;
  }
  const records = new Map(spec.imports.map(r => [r.module, r]));
  return (
    <div
      className="jp-Containerize-message jp-Containerize-unmapped"
      role="region"
      aria-label={trans.__('Imports with no known package')}
    >
      <div className="jp-Containerize-messageTitle">
        {trans._n(
          '%1 import has no known package',
          '%1 imports have no known package',
          modules.length
        )}
      </div>
      <div className="jp-Containerize-hint">
        {trans.__(
          'Nothing is installed for them on a guess: a package of the same name on PyPI may be anyone’s. Name the package that provides each one.'
        )}
      </div>
      <ul className="jp-Containerize-list">
        {modules.map(module => (
          <UnmappedRow
            key={module}
            module={module}
            record={records.get(module)}
            model={model}
            trans={trans}
          />
        ))}
      </ul>
    </div>
  );
}

function UnmappedRow(props: {
  module: string;
  record: IImportRecord | undefined;
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { module, record, model, trans } = props;
  const [open, setOpen] = React.useState(false);
  const [text, setText] = React.useState('');
  const [added, setAdded] = React.useState<string | null>(null);
  const parsed = parseRequirement(text);
  const cells = record?.cells ?? [];
  const stillAdded =
    added !== null &&
    model.edits.added.some(p => canonicalName(p.name) === canonicalName(added));
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (parsed) {
      model.addPackage(parsed);
      setAdded(parsed.name);
      setText('');
      setOpen(false);
    }
  };
  return (
    <li className="jp-Containerize-unmappedRow">
      <div className="jp-Containerize-listRow">
        <span className="jp-Containerize-grow">
          <code>{module}</code>
          {cells.length > 0 && (
            <span className="jp-Containerize-cellRef">
              {trans._n(
                'cell %2',
                'cells %2',
                cells.length,
                cells.map(cell => cell + 1).join(', ')
              )}
            </span>
          )}
        </span>
        {stillAdded ? (
          <span className="jp-Containerize-muted">
            {trans.__('%1 added', added)}
          </span>
        ) : (
          !open && (
            <Button
              small
              className="jp-mod-styled jp-mod-reject"
              aria-label={trans.__('Add the package that provides %1', module)}
              onClick={() => setOpen(true)}
            >
              {trans.__('Add package…')}
            </Button>
          )
        )}
      </div>
      {open && !stillAdded && (
        <form className="jp-Containerize-inlineForm" onSubmit={submit}>
          <InputGroup
            autoFocus
            className="jp-Containerize-grow"
            aria-label={trans.__(
              'Package that provides %1, as name or name==version',
              module
            )}
            aria-invalid={text.trim() !== '' && parsed === null}
            placeholder={
              record?.suggestion
                ? trans.__('e.g. %1', record.suggestion)
                : trans.__('name==version')
            }
            value={text}
            onChange={event => setText(event.currentTarget.value)}
            onKeyDown={event => {
              if (event.key === 'Escape') {
                setOpen(false);
              }
            }}
          />
          <Button
            type="submit"
            className="jp-mod-styled jp-mod-accept"
            disabled={!parsed}
          >
            {trans.__('Add')}
          </Button>
        </form>
      )}
    </li>
  );
}
