import { TranslationBundle } from '@jupyterlab/translation';
import { HTMLSelect, InputGroup } from '@jupyterlab/ui-components';
import * as React from 'react';

import {
  AUTO_BASE_IMAGE,
  CUSTOM_BASE_IMAGE,
  DOCKER_STACKS_IMAGES,
  defaultTag,
  hasManifests,
  imageReference
} from '../buildOptions';
import { ContainerizeModel } from '../model';
import { BuildTarget, GpuMode } from '../types';
import { Section } from './Section';

/** "3.11.7" -> "3.11": what the automatic base image is matched on. */
function minorVersion(version: string | undefined): string {
  const match = /^(\d+)\.(\d+)/.exec(version ?? '');
  return match ? `${match[1]}.${match[2]}` : '';
}

/** One labelled control of the options form. */
export function Field(props: {
  id: string;
  label: string;
  help?: string;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <div className="jp-Containerize-field">
      <label className="jp-Containerize-label" htmlFor={props.id}>
        {props.label}
      </label>
      {props.children}
      {props.help && (
        <div className="jp-Containerize-help" id={`${props.id}-help`}>
          {props.help}
        </div>
      )}
    </div>
  );
}

/** Base image, GPU, target, tag and registry of the next build. */
export function OptionsSection(props: {
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const options = model.options;
  const id = React.useId();
  const python = minorVersion(model.spec?.python.version);

  const targets: { value: BuildTarget; label: string; help: string }[] = [
    {
      value: 'notebook',
      label: trans.__('Notebook server'),
      help: trans.__('An image that starts JupyterLab with the notebook.')
    },
    {
      value: 'batch',
      label: trans.__('Batch job'),
      help: trans.__('An image that runs the notebook once and exits.')
    },
    {
      value: 'serve',
      label: trans.__('HTTP service'),
      help: trans.__('An image that serves the notebook as an HTTP endpoint.')
    },
    {
      value: 'binder',
      label: trans.__('Binder'),
      help: trans.__(
        'binder/ files and a link to launch the notebook on Binder.'
      )
    }
  ];
  const gpuModes: { value: GpuMode; label: string }[] = [
    { value: 'none', label: trans.__('None (CPU only)') },
    {
      value: 'auto',
      label: trans.__('Auto')
    },
    { value: 'cuda', label: trans.__('CUDA') }
  ];
  const gpuHelp: { [mode in GpuMode]: string } = {
    none: trans.__('A CPU-only image.'),
    auto: trans.__('A CUDA base image if the notebook uses a GPU framework.'),
    cuda: trans.__('Always a CUDA base image.')
  };
  const baseImages = [
    {
      value: AUTO_BASE_IMAGE,
      label: python
        ? trans.__('Auto (python:%1-slim)', python)
        : trans.__("Auto (slim image of the kernel's Python)")
    },
    ...DOCKER_STACKS_IMAGES.map(image => ({ value: image, label: image })),
    { value: CUSTOM_BASE_IMAGE, label: trans.__('Custom…') }
  ];
  const target = targets.find(t => t.value === options.target);
  const reference = imageReference(options, model.path);

  return (
    <Section title={trans.__('Build options')}>
      <div className="jp-Containerize-form">
        <Field
          id={`${id}-target`}
          label={trans.__('Target')}
          help={target?.help}
        >
          <HTMLSelect
            id={`${id}-target`}
            aria-describedby={`${id}-target-help`}
            value={options.target}
            options={targets.map(t => ({ value: t.value, label: t.label }))}
            onChange={event =>
              model.setOption('target', event.target.value as BuildTarget)
            }
          />
        </Field>
        {options.target !== 'binder' && (
          <>
            <Field id={`${id}-base`} label={trans.__('Base image')}>
              <HTMLSelect
                id={`${id}-base`}
                value={options.baseImage}
                options={baseImages}
                onChange={event =>
                  model.setOption('baseImage', event.target.value)
                }
              />
            </Field>
            {options.baseImage === CUSTOM_BASE_IMAGE && (
              <Field id={`${id}-custom`} label={trans.__('Custom base image')}>
                <InputGroup
                  id={`${id}-custom`}
                  placeholder={trans.__('e.g. python:3.11-slim-bookworm')}
                  value={options.customBaseImage}
                  onChange={event =>
                    model.setOption(
                      'customBaseImage',
                      event.currentTarget.value
                    )
                  }
                />
              </Field>
            )}
            <Field
              id={`${id}-gpu`}
              label={trans.__('GPU')}
              help={gpuHelp[options.gpu]}
            >
              <HTMLSelect
                id={`${id}-gpu`}
                aria-describedby={`${id}-gpu-help`}
                value={options.gpu}
                options={gpuModes}
                onChange={event =>
                  model.setOption('gpu', event.target.value as GpuMode)
                }
              />
            </Field>
            <Field id={`${id}-tag`} label={trans.__('Image tag')}>
              <InputGroup
                id={`${id}-tag`}
                placeholder={defaultTag(model.path, options.target)}
                value={options.tag}
                onChange={event =>
                  model.setOption('tag', event.currentTarget.value)
                }
              />
            </Field>
            <Field
              id={`${id}-registry`}
              label={trans.__('Registry')}
              help={
                reference && options.registry.trim()
                  ? trans.__('Image: %1', reference)
                  : trans.__('Empty: the image stays on this machine.')
              }
            >
              <InputGroup
                id={`${id}-registry`}
                aria-describedby={`${id}-registry-help`}
                placeholder={trans.__('e.g. ghcr.io/me')}
                value={options.registry}
                onChange={event =>
                  model.setOption('registry', event.currentTarget.value)
                }
              />
            </Field>
            <label className="jp-Containerize-check">
              <input
                type="checkbox"
                className="jp-mod-styled"
                checked={options.push}
                disabled={!options.registry.trim()}
                onChange={event =>
                  model.setOption('push', event.target.checked)
                }
              />
              {trans.__('Push the image to the registry')}
            </label>
            <label className="jp-Containerize-check">
              <input
                type="checkbox"
                className="jp-mod-styled"
                checked={options.verify || options.repair}
                disabled={options.repair}
                onChange={event =>
                  model.setOption('verify', event.target.checked)
                }
              />
              {trans.__(
                'Verify: run the notebook in the image and compare outputs'
              )}
            </label>
            <label className="jp-Containerize-check">
              <input
                type="checkbox"
                className="jp-mod-styled"
                checked={options.repair}
                aria-describedby={`${id}-repair-help`}
                onChange={event =>
                  model.setOption('repair', event.target.checked)
                }
              />
              {trans.__('Repair: when a cell fails, fix the versions')}
            </label>
            <div className="jp-Containerize-help" id={`${id}-repair-help`}>
              {trans.__(
                'Verifies; on a cell that fails where the notebook did not, adds the missing package or steps the failing one to another version, then builds again.'
              )}
            </div>
            {options.repair && (
              <div className="jp-Containerize-inlineField">
                <label htmlFor={`${id}-rounds`}>
                  {trans.__('Repair rounds')}
                </label>
                <input
                  id={`${id}-rounds`}
                  type="number"
                  className="jp-mod-styled jp-Containerize-number"
                  min={1}
                  max={10}
                  step={1}
                  value={
                    Number.isFinite(options.repairRounds)
                      ? options.repairRounds
                      : ''
                  }
                  onChange={event =>
                    model.setOption(
                      'repairRounds',
                      event.target.value === ''
                        ? NaN
                        : Number(event.target.value)
                    )
                  }
                />
              </div>
            )}
            {hasManifests(options.target) && (
              <label className="jp-Containerize-check">
                <input
                  type="checkbox"
                  className="jp-mod-styled"
                  checked={options.k8s}
                  onChange={event =>
                    model.setOption('k8s', event.target.checked)
                  }
                />
                {trans.__('Kubernetes manifests')}
              </label>
            )}
            {hasManifests(options.target) && options.k8s && (
              <div className="jp-Containerize-help">
                {options.target === 'serve'
                  ? trans.__(
                      'deployment.yaml, service.yaml and a KServe InferenceService, in the result.'
                    )
                  : trans.__(
                      'job.yaml, cronjob.yaml and the output claim pvc.yaml, in the result.'
                    )}
              </div>
            )}
          </>
        )}
      </div>
    </Section>
  );
}
