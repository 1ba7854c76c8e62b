import { TranslationBundle } from '@jupyterlab/translation';
import { HTMLSelect, InputGroup } from '@jupyterlab/ui-components';
import * as React from 'react';

import {
  AUTO_BASE_IMAGE,
  CUSTOM_BASE_IMAGE,
  defaultTag,
  DOCKER_STACKS_IMAGES
} from '../buildOptions';
import { ContainerizeModel } from '../model';
import { ServerStatus } from '../serverStatus';
import { BuildSection } from './BuildSection';
import { EnvironmentSummary } from './EnvironmentSummary';
import { ErrorMessage } from './ErrorMessage';
import { PackagesSection } from './PackagesSection';
import { ProblemsSection } from './ProblemsSection';
import { Field } from './OptionsSection';
import { Section } from './Section';

/** A folder's panel: what a project build is, its few options, and the build. */
export function ProjectView(props: {
  model: ContainerizeModel;
  server: ServerStatus;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, server, trans } = props;
  const spec = model.spec;
  return (
    <div className="jp-Containerize-content jp-Containerize-project">
      <EnvironmentSummary model={model} spec={spec} trans={trans} />
      <p className="jp-Containerize-note">
        {trans.__(
          'One image for every notebook in this folder: the server inspects each one with its kernel’s Python and merges their packages into one environment.'
        )}
      </p>
      {model.isInspecting && (
        <div className="jp-Containerize-loading" role="status">
          <span className="jp-Containerize-spinner" aria-hidden="true" />
          {trans.__('Inspecting the notebooks of the folder…')}
        </div>
      )}
      {model.inspectError && (
        <ErrorMessage
          error={model.inspectError}
          title={trans.__('Inspection failed')}
          trans={trans}
        />
      )}
      {spec && (
        <>
          <ProblemsSection problems={spec.problems} trans={trans} />
          <PackagesSection model={model} trans={trans} />
        </>
      )}
      <ProjectOptions model={model} trans={trans} />
      <BuildSection model={model} server={server} trans={trans} />
    </div>
  );
}

/** Target (JupyterLab, fixed), base image, tag and verify: what a project build takes. */
function ProjectOptions(props: {
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const options = model.options;
  const id = React.useId();
  const baseImages = [
    {
      value: AUTO_BASE_IMAGE,
      label: trans.__("Auto (slim image of the kernel's Python)")
    },
    ...DOCKER_STACKS_IMAGES.map(image => ({ value: image, label: image })),
    { value: CUSTOM_BASE_IMAGE, label: trans.__('Custom…') }
  ];
  return (
    <Section title={trans.__('Build options')}>
      <div className="jp-Containerize-form">
        <Field
          id={`${id}-target`}
          label={trans.__('Target')}
          help={trans.__(
            'JupyterLab opens on the folder, with every notebook.'
          )}
        >
          <HTMLSelect
            id={`${id}-target`}
            value="notebook"
            disabled
            options={[
              { value: 'notebook', label: trans.__('Notebook server') }
            ]}
          />
        </Field>
        <Field id={`${id}-base`} label={trans.__('Base image')}>
          <HTMLSelect
            id={`${id}-base`}
            value={options.baseImage}
            options={baseImages}
            onChange={event => model.setOption('baseImage', event.target.value)}
          />
        </Field>
        {options.baseImage === CUSTOM_BASE_IMAGE && (
          <Field id={`${id}-custom`} label={trans.__('Custom base image')}>
            <InputGroup
              id={`${id}-custom`}
              placeholder={trans.__('e.g. python:3.11-slim-bookworm')}
              value={options.customBaseImage}
              onChange={event =>
                model.setOption('customBaseImage', event.currentTarget.value)
              }
            />
          </Field>
        )}
        <Field id={`${id}-tag`} label={trans.__('Image tag')}>
          <InputGroup
            id={`${id}-tag`}
            placeholder={defaultTag(model.path, 'notebook')}
            value={options.tag}
            onChange={event =>
              model.setOption('tag', event.currentTarget.value)
            }
          />
        </Field>
        <label className="jp-Containerize-check">
          <input
            type="checkbox"
            className="jp-mod-styled"
            checked={options.verify}
            onChange={event => model.setOption('verify', event.target.checked)}
          />
          {trans.__(
            'Verify: run every notebook in the image and compare outputs'
          )}
        </label>
      </div>
    </Section>
  );
}
