import * as React from 'react';

import { applyEdits, parseEnvAssignment } from '../specEdits';
import { EditableList } from './EditableList';
import { Section } from './Section';
import { ISpecSectionProps, specSection } from './specSection';

/** System packages (apt) and environment variables of the image. */
export const SystemSection = specSection(function SystemSectionBody(
  props: ISpecSectionProps
): JSX.Element {
  const { model, trans, spec } = props;
  const effective = applyEdits(spec, model.edits);
  const env = Object.entries(effective.env);
  return (
    <Section
      title={trans.__('System and environment')}
      badge={effective.apt_packages.length + env.length}
      defaultOpen={effective.apt_packages.length + env.length > 0}
    >
      <h4 className="jp-Containerize-subTitle">{trans.__('apt packages')}</h4>
      <EditableList
        items={effective.apt_packages}
        itemKey={name => name}
        listClassName="jp-Containerize-chips"
        itemClassName="jp-Containerize-chip"
        renderItem={name => <code>{name}</code>}
        removeLabel={name => trans.__('Remove the apt package %1', name)}
        onRemove={name => model.removeAptPackage(name)}
        addLabel={trans.__('apt package to add')}
        addPlaceholder={trans.__('apt package, e.g. libgl1')}
        parse={text =>
          /^[a-z0-9][a-z0-9+.-]*$/.test(text.trim()) ? text.trim() : null
        }
        onAdd={name => model.addAptPackage(name)}
        trans={trans}
      />

      <h4 className="jp-Containerize-subTitle">
        {trans.__('Environment variables')}
      </h4>
      <EditableList
        items={env}
        itemKey={([name]) => name}
        listClassName="jp-Containerize-list"
        itemClassName="jp-Containerize-listRow"
        renderItem={([name, value]) => (
          <code className="jp-Containerize-grow jp-Containerize-path">
            {name}={value}
          </code>
        )}
        removeLabel={([name]) => trans.__('Remove the variable %1', name)}
        onRemove={([name]) => model.removeEnv(name)}
        addLabel={trans.__('Environment variable to set, as NAME=value')}
        addPlaceholder={trans.__('NAME=value')}
        parse={parseEnvAssignment}
        onAdd={assignment => model.setEnv(assignment.name, assignment.value)}
        trans={trans}
      />

      {spec.install_commands.length > 0 && (
        <>
          <h4 className="jp-Containerize-subTitle">
            {trans.__('Install commands in the notebook')}
          </h4>
          <ul className="jp-Containerize-list">
            {spec.install_commands.map((command, i) => (
              <li key={i} className="jp-Containerize-listRow">
                <code className="jp-Containerize-grow jp-Containerize-path">
                  {command.line}
                </code>
                <span className="jp-Containerize-cellRef">
                  {trans.__('cell %1', command.cell + 1)}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Section>
  );
});
