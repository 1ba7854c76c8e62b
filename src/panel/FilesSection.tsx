import * as React from 'react';

import { Section } from './Section';
import { ISpecSectionProps, specSection } from './specSection';

/** Local modules and data files the notebook uses; each can be left out of the image. */
export const FilesSection = specSection(function FilesSectionBody(
  props: ISpecSectionProps
): JSX.Element {
  const { model, trans, spec } = props;
  const excluded = new Set(model.edits.excludedPaths);
  const entries = [
    ...spec.local_modules.map(mod => ({
      path: mod.path,
      label: mod.path,
      kind: trans.__('module %1', mod.module)
    })),
    ...spec.files.map(path => ({
      path,
      label: path,
      kind: trans.__('data')
    }))
  ];
  const included = entries.filter(e => !excluded.has(e.path)).length;
  return (
    <Section
      title={trans.__('Files')}
      badge={entries.length ? `${included}/${entries.length}` : 0}
    >
      <p className="jp-Containerize-note">
        {trans.__('Checked files are copied into the image.')}
      </p>
      {entries.length === 0 ? (
        <p className="jp-Containerize-empty">
          {trans.__('The notebook uses no local module or data file.')}
        </p>
      ) : (
        <ul className="jp-Containerize-list">
          {entries.map(entry => (
            <li key={entry.path} className="jp-Containerize-listRow">
              <label className="jp-Containerize-check jp-Containerize-grow">
                <input
                  type="checkbox"
                  className="jp-mod-styled"
                  checked={!excluded.has(entry.path)}
                  onChange={event =>
                    model.setPathIncluded(entry.path, event.target.checked)
                  }
                />
                <code className="jp-Containerize-path">{entry.label}</code>
              </label>
              <span className="jp-Containerize-muted">{entry.kind}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
});
