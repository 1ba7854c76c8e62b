import { TranslationBundle } from '@jupyterlab/translation';
import { Button, closeIcon, InputGroup } from '@jupyterlab/ui-components';
import * as React from 'react';

import { ContainerizeModel } from '../model';
import { applyEdits, parseEnvAssignment } from '../specEdits';
import { Section } from './Section';

/** System packages (apt) and environment variables of the image. */
export function SystemSection(props: {
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { model, trans } = props;
  const spec = model.spec;
  if (!spec) {
    return null;
  }
  const effective = applyEdits(spec, model.edits);
  const env = Object.entries(effective.env);
  return (
    <Section
      title={trans.__('System and environment')}
      badge={effective.apt_packages.length + env.length}
      defaultOpen={effective.apt_packages.length + env.length > 0}
    >
      <h4 className="jp-Containerize-subTitle">{trans.__('apt packages')}</h4>
      {effective.apt_packages.length > 0 ? (
        <ul className="jp-Containerize-chips">
          {effective.apt_packages.map(name => (
            <li key={name} className="jp-Containerize-chip">
              <code>{name}</code>
              <Button
                minimal
                small
                className="jp-Containerize-iconButton"
                aria-label={trans.__('Remove the apt package %1', name)}
                title={trans.__('Remove the apt package %1', name)}
                onClick={() => model.removeAptPackage(name)}
              >
                <closeIcon.react tag="span" elementPosition="center" />
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="jp-Containerize-empty">{trans.__('None.')}</p>
      )}
      <AddForm
        label={trans.__('apt package to add')}
        placeholder={trans.__('apt package, e.g. libgl1')}
        parse={text =>
          /^[a-z0-9][a-z0-9+.-]*$/.test(text.trim()) ? text.trim() : null
        }
        onAdd={name => model.addAptPackage(name)}
        trans={trans}
      />

      <h4 className="jp-Containerize-subTitle">
        {trans.__('Environment variables')}
      </h4>
      {env.length > 0 ? (
        <ul className="jp-Containerize-list">
          {env.map(([name, value]) => (
            <li key={name} className="jp-Containerize-listRow">
              <code className="jp-Containerize-grow jp-Containerize-path">
                {name}={value}
              </code>
              <Button
                minimal
                small
                className="jp-Containerize-iconButton"
                aria-label={trans.__('Remove the variable %1', name)}
                title={trans.__('Remove the variable %1', name)}
                onClick={() => model.removeEnv(name)}
              >
                <closeIcon.react tag="span" elementPosition="center" />
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="jp-Containerize-empty">{trans.__('None.')}</p>
      )}
      <AddForm
        label={trans.__('Environment variable to set, as NAME=value')}
        placeholder={trans.__('NAME=value')}
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
}

function AddForm<T>(props: {
  label: string;
  placeholder: string;
  parse: (text: string) => T | null;
  onAdd: (value: T) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const [text, setText] = React.useState('');
  const parsed = props.parse(text);
  return (
    <form
      className="jp-Containerize-inlineForm"
      onSubmit={event => {
        event.preventDefault();
        if (parsed !== null) {
          props.onAdd(parsed);
          setText('');
        }
      }}
    >
      <InputGroup
        className="jp-Containerize-grow"
        aria-label={props.label}
        aria-invalid={text.trim() !== '' && parsed === null}
        placeholder={props.placeholder}
        value={text}
        onChange={event => setText(event.currentTarget.value)}
      />
      <Button
        type="submit"
        className="jp-mod-styled jp-mod-reject"
        disabled={parsed === null}
      >
        {props.trans.__('Add')}
      </Button>
    </form>
  );
}
