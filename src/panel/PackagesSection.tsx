import { TranslationBundle } from '@jupyterlab/translation';
import {
  Button,
  deleteIcon,
  editIcon,
  InputGroup,
  undoIcon
} from '@jupyterlab/ui-components';
import * as React from 'react';

import { ContainerizeModel } from '../model';
import { canonicalName, parseRequirement } from '../specEdits';
import { pinsOrigin } from '../staticPins';
import { IPackage } from '../types';
import { IconButton } from './IconButton';
import { Section } from './Section';
import { ISpecSectionProps, specSection } from './specSection';

/** Why a package is in the lock, in words. */
function reasonText(pkg: IPackage, trans: TranslationBundle): string {
  switch (pkg.reason) {
    case 'imported':
      return trans.__('imported');
    case 'runtime':
      return trans.__('imported at run time');
    case 'implicit':
      return pkg.required_by.length
        ? trans.__('implicit, used by %1', pkg.required_by.join(', '))
        : trans.__('implicit');
    case 'dependency':
      return pkg.required_by.length
        ? trans.__('needed by %1', pkg.required_by.join(', '))
        : trans.__('needed by another package');
    case 'requested':
      return trans.__('installed by the notebook');
    case 'user':
      return trans.__('added by you');
    default:
      return pkg.reason;
  }
}

function portabilityText(pkg: IPackage, trans: TranslationBundle): string {
  const marks = pkg.portability.join(', ');
  const source =
    pkg.source && pkg.source.kind !== 'index'
      ? trans.__(
          'installed from %1',
          pkg.source.url || pkg.source.path || pkg.source.kind
        )
      : '';
  return [marks, source, pkg.reproducible ? '' : trans.__('not reproducible')]
    .filter(Boolean)
    .join(' · ');
}

/** The lock: each package with its exact version and why it is there; edits stay in the model. */
export const PackagesSection = specSection(function PackagesSectionBody(
  props: ISpecSectionProps
): JSX.Element {
  const { model, trans, spec } = props;
  const removed = new Set(model.edits.removed);
  const inspected = spec.packages;
  const direct = inspected.filter(p => p.reason !== 'dependency');
  const dependencies = inspected.filter(p => p.reason === 'dependency');
  const added: IPackage[] = model.edits.added.map(p => ({
    name: p.name,
    version: p.version,
    reason: 'user',
    required_by: [],
    imported_as: [],
    source: { kind: 'index' },
    portability: [],
    reproducible: p.version !== null
  }));
  const count = inspected.length - removed.size + added.length;
  const origin = pinsOrigin(spec, trans);
  // A folder's build inspects its notebooks itself and takes no spec: its lock is shown, not edited.
  const readOnly = model.isProject;

  const rows = (packages: IPackage[]) =>
    packages.map(pkg => (
      <PackageRow
        key={pkg.name}
        pkg={pkg}
        pin={model.edits.pins[canonicalName(pkg.name)]}
        removed={removed.has(canonicalName(pkg.name))}
        readOnly={readOnly}
        model={model}
        trans={trans}
      />
    ));

  return (
    <Section title={trans.__('Packages')} badge={count}>
      {origin && (
        <p
          className={`jp-Containerize-note jp-Containerize-pinsOrigin${spec.source === 'static' ? ' jp-Containerize-warnText' : ''}`}
        >
          {origin}
        </p>
      )}
      {readOnly && (
        <p className="jp-Containerize-note jp-Containerize-readOnly">
          {trans.__(
            'What the build installs for every notebook of the folder. To change a version, edit it in the notebook that imports it (or its lock) and build the folder again.'
          )}
        </p>
      )}
      {direct.length + added.length === 0 && dependencies.length === 0 ? (
        <p className="jp-Containerize-empty">
          {readOnly
            ? trans.__('The notebooks import no third-party package.')
            : trans.__('The notebook imports no third-party package.')}
        </p>
      ) : (
        <table className="jp-Containerize-table jp-Containerize-packages">
          <colgroup>
            <col />
            <col className="jp-Containerize-colVersion" />
            <col className="jp-Containerize-colActions" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">{trans.__('Package')}</th>
              <th scope="col">{trans.__('Version')}</th>
              <th scope="col">
                <span className="jp-Containerize-srOnly">
                  {trans.__('Actions')}
                </span>
              </th>
            </tr>
          </thead>
          <tbody>{rows([...direct, ...added])}</tbody>
          {dependencies.length > 0 && (
            <DependencyRows count={dependencies.length} trans={trans}>
              {rows(dependencies)}
            </DependencyRows>
          )}
        </table>
      )}
      <Suggestions model={model} readOnly={readOnly} trans={trans} />
      {!readOnly && <AddPackageForm model={model} trans={trans} />}
    </Section>
  );
});

/**
 * What the kernel has installed but the notebook does not use (extras, say): offered with the
 * reason, never added by default. Add puts one in the lock as the user's.
 */
function Suggestions(props: {
  model: ContainerizeModel;
  readOnly: boolean;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { model, readOnly, trans } = props;
  const spec = model.spec;
  const taken = new Set([
    ...(spec?.packages ?? [])
      .filter(p => !model.edits.removed.includes(canonicalName(p.name)))
      .map(p => canonicalName(p.name)),
    ...model.edits.added.map(p => canonicalName(p.name))
  ]);
  const offered = (spec?.suggestions ?? []).filter(
    s => !taken.has(canonicalName(s.name))
  );
  if (!offered.length) {
    return null;
  }
  return (
    <div className="jp-Containerize-suggestions">
      <h4 className="jp-Containerize-subTitle">
        {trans.__('Suggested (not installed by default)')}
      </h4>
      <ul className="jp-Containerize-list">
        {offered.map(suggestion => (
          <li key={suggestion.name} className="jp-Containerize-suggestion">
            <div className="jp-Containerize-grow">
              <code className="jp-Containerize-name">
                {suggestion.version
                  ? `${suggestion.name}==${suggestion.version}`
                  : suggestion.name}
              </code>
              <div className="jp-Containerize-reason">{suggestion.reason}</div>
            </div>
            {!readOnly && (
              <Button
                small
                className="jp-mod-styled jp-mod-reject"
                aria-label={trans.__('Add %1', suggestion.name)}
                onClick={() =>
                  model.addPackage({
                    name: suggestion.name,
                    version: suggestion.version
                  })
                }
              >
                {trans.__('Add')}
              </Button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Dependencies are many and rarely interesting: folded until asked for. */
function DependencyRows(props: {
  count: number;
  trans: TranslationBundle;
  children: React.ReactNode;
}): JSX.Element {
  const [open, setOpen] = React.useState(false);
  return (
    <tbody>
      <tr>
        <td colSpan={3}>
          <Button
            minimal
            small
            className="jp-Containerize-linkButton"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
          >
            {open
              ? props.trans.__('Hide %1 dependencies', props.count)
              : props.trans.__('Show %1 dependencies', props.count)}
          </Button>
        </td>
      </tr>
      {open && props.children}
    </tbody>
  );
}

function PackageRow(props: {
  pkg: IPackage;
  pin: string | undefined;
  removed: boolean;
  readOnly: boolean;
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { pkg, pin, removed, readOnly, model, trans } = props;
  const [editing, setEditing] = React.useState(false);
  const version = pin ?? pkg.version;
  const notes = portabilityText(pkg, trans);

  const commit = (value: string) => {
    setEditing(false);
    const trimmed = value.trim().replace(/^==/, '');
    if (trimmed !== (version ?? '')) {
      model.repinPackage(pkg.name, trimmed === pkg.version ? '' : trimmed);
    }
  };

  return (
    <tr className={removed ? 'jp-Containerize-removed' : undefined}>
      <th scope="row" className="jp-Containerize-packageName">
        <span
          className="jp-Containerize-name"
          title={
            pkg.imported_as.length
              ? trans.__('imported as %1', pkg.imported_as.join(', '))
              : pkg.name
          }
        >
          {pkg.name}
        </span>
        {notes && (
          <span
            className="jp-Containerize-badge jp-mod-warn"
            title={notes}
            aria-label={notes}
          >
            !
          </span>
        )}
        <div className="jp-Containerize-reason">{reasonText(pkg, trans)}</div>
      </th>
      <td className="jp-Containerize-version">
        {editing ? (
          <InputGroup
            autoFocus
            className="jp-Containerize-versionInput"
            aria-label={trans.__('Exact version of %1', pkg.name)}
            defaultValue={version ?? ''}
            onBlur={event => commit(event.currentTarget.value)}
            onKeyDown={event => {
              if (event.key === 'Enter') {
                commit(event.currentTarget.value);
              } else if (event.key === 'Escape') {
                setEditing(false);
              }
            }}
          />
        ) : (
          <code
            title={
              pin !== undefined
                ? trans.__('repinned; inspected %1', pkg.version ?? '?')
                : undefined
            }
            className={pin !== undefined ? 'jp-Containerize-edited' : undefined}
          >
            {version ? `==${version}` : trans.__('latest')}
          </code>
        )}
      </td>
      <td className="jp-Containerize-actions">
        {readOnly ? null : removed ? (
          <IconButton
            icon={undoIcon}
            label={trans.__('Keep %1', pkg.name)}
            onClick={() => model.restorePackage(pkg.name)}
          />
        ) : (
          <>
            <IconButton
              icon={editIcon}
              label={trans.__('Change the version of %1', pkg.name)}
              onClick={() => setEditing(true)}
            />
            <IconButton
              icon={deleteIcon}
              label={trans.__('Remove %1', pkg.name)}
              onClick={() => model.removePackage(pkg.name)}
            />
          </>
        )}
      </td>
    </tr>
  );
}

function AddPackageForm(props: {
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const [text, setText] = React.useState('');
  const parsed = parseRequirement(text);
  const invalid = text.trim() !== '' && parsed === null;
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (parsed) {
      model.addPackage(parsed);
      setText('');
    }
  };
  return (
    <form className="jp-Containerize-inlineForm" onSubmit={submit}>
      <InputGroup
        className="jp-Containerize-grow"
        aria-label={trans.__('Package to add, as name or name==version')}
        aria-invalid={invalid}
        placeholder={trans.__('name==version')}
        value={text}
        onChange={event => setText(event.currentTarget.value)}
      />
      <Button
        type="submit"
        className="jp-mod-styled jp-mod-reject"
        disabled={!parsed}
      >
        {trans.__('Add')}
      </Button>
    </form>
  );
}
