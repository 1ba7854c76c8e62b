import { PathExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import { folderIcon, notebookIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { ContainerizeModel } from '../model';
import { pinsOrigin } from '../staticPins';
import { IEnvironmentSpec } from '../types';
import { LockEnvironment } from './LockEnvironment';
import { RecordingLine } from './RecordingLine';

function sourceText(spec: IEnvironmentSpec, trans: TranslationBundle): string {
  const origin = pinsOrigin(spec, trans);
  if (origin) {
    return origin;
  }
  switch (spec.source) {
    case 'kernel':
      return trans.__('read from the running kernel');
    case 'interpreter':
      return trans.__(
        "no running kernel: probed the kernel's Python interpreter"
      );
    default:
      return trans.__(
        'no running kernel: static analysis only, versions are guesses'
      );
  }
}

/** The notebook, its kernel and its Python, at the top of the panel. */
export function EnvironmentSummary(props: {
  model: ContainerizeModel;
  spec: IEnvironmentSpec | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, spec, trans } = props;
  const python = spec?.python;
  const platform = spec?.platform;
  return (
    <div className="jp-Containerize-summary">
      <div className="jp-Containerize-notebook">
        {model.isProject ? (
          <folderIcon.react tag="span" elementPosition="center" />
        ) : (
          <notebookIcon.react tag="span" elementPosition="center" />
        )}
        <span
          className="jp-Containerize-notebookPath"
          title={model.path}
          data-path={model.path}
        >
          {PathExt.basename(model.path) || '/'}
        </span>
      </div>
      <RecordingLine model={model} trans={trans} />
      {spec && python && (
        <dl className="jp-Containerize-facts">
          <dt>{trans.__('Python')}</dt>
          <dd>
            {python.version}
            {python.implementation && python.implementation !== 'CPython'
              ? ` (${python.implementation})`
              : ''}
            {python.is_conda
              ? ` · ${trans.__('conda')}`
              : python.is_venv
                ? ` · ${trans.__('virtual environment')}`
                : ''}
          </dd>
          <dt>{trans.__('Source')}</dt>
          <dd
            className={
              spec.source === 'static'
                ? 'jp-Containerize-warnText jp-Containerize-source'
                : 'jp-Containerize-source'
            }
          >
            {sourceText(spec, trans)}
          </dd>
          {platform && platform.system && (
            <>
              <dt>{trans.__('Platform')}</dt>
              <dd>
                {[platform.system, platform.machine, platform.libc]
                  .filter(Boolean)
                  .join(' · ')}
              </dd>
            </>
          )}
          {spec.notebook.kernel_name && (
            <>
              <dt>{trans.__('Kernel')}</dt>
              <dd>{spec.notebook.kernel_name}</dd>
            </>
          )}
        </dl>
      )}
      {!model.isProject &&
        !model.kernelId &&
        spec &&
        spec.source !== 'kernel' && (
          <p className="jp-Containerize-note">
            {trans.__(
              'Start the kernel and run the notebook, then inspect again for exact versions of what it imports at run time.'
            )}
          </p>
        )}
      {spec && !model.isProject && (
        <LockEnvironment model={model} trans={trans} />
      )}
    </div>
  );
}
