import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { optionsProblem } from '../buildOptions';
import {
  binderhubFor,
  describeEngine,
  engineDownReason,
  engineDownTitle
} from '../engineStatus';
import { ContainerizeModel } from '../model';
import { ServerStatus } from '../serverStatus';
import { ErrorMessage } from './ErrorMessage';

/** Asks `GET /containerize/info` again: the user started the engine, or the admin fixed it. */
function CheckAgain(props: {
  server: ServerStatus;
  trans: TranslationBundle;
}): JSX.Element {
  const { server, trans } = props;
  const checking = server.state === 'checking';
  return (
    <Button
      minimal
      small
      className="jp-Containerize-linkButton"
      disabled={checking}
      onClick={() => void server.check()}
    >
      {checking ? trans.__('Checking…') : trans.__('Check again')}
    </Button>
  );
}

/** The small line above the Build button: where the image will be built. */
export function EngineLine(props: {
  server: ServerStatus;
  trans: TranslationBundle;
}): JSX.Element {
  const { server, trans } = props;
  return (
    <p className="jp-Containerize-note jp-Containerize-engine">
      {describeEngine(server.info, trans)}
    </p>
  );
}

/** "Download build context": an accept button when it is the way forward, a link otherwise. */
export function DownloadContextButton(props: {
  model: ContainerizeModel;
  trans: TranslationBundle;
  primary?: boolean;
}): JSX.Element {
  const { model, trans, primary } = props;
  const context = model.context;
  const label = context.isRunning
    ? trans.__('Preparing…')
    : primary
      ? trans.__('Download build context')
      : trans.__('Or download the build context');
  return (
    <Button
      minimal={!primary}
      small={!primary}
      className={
        primary ? 'jp-mod-styled jp-mod-accept' : 'jp-Containerize-linkButton'
      }
      disabled={context.isRunning || !!optionsProblem(model.options, trans)}
      title={trans.__(
        'A .tar.gz with the Dockerfile, the notebook, its files and the pinned environment, your edits and options included'
      )}
      onClick={() => void context.download()}
    >
      {label}
    </Button>
  );
}

/** What the last download saved, or why it failed. */
export function DownloadContextResult(props: {
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { model, trans } = props;
  const context = model.context;
  if (context.error) {
    return (
      <ErrorMessage
        error={context.error}
        title={trans.__('Could not prepare the build context')}
        trans={trans}
      />
    );
  }
  if (!context.savedAs || context.isRunning) {
    return null;
  }
  return (
    <p className="jp-Containerize-note" role="status">
      {trans.__(
        'Saved %1. On a machine with Docker: unpack it, then run docker build in its folder.',
        context.savedAs
      )}
    </p>
  );
}

/**
 * Shown instead of the Build button when no engine answers: why, a way to check again, and what
 * still works without an engine here.
 */
export function EngineDown(props: {
  model: ContainerizeModel;
  server: ServerStatus;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, server, trans } = props;
  const binderhub = binderhubFor(model.binderhubSetting, server.info);
  return (
    <>
      <div
        className="jp-Containerize-message jp-Containerize-engineDown"
        role="status"
      >
        <div className="jp-Containerize-messageTitle">
          {engineDownTitle(server.info, trans)}
        </div>
        <div className="jp-Containerize-hint">
          {engineDownReason(server.info, trans)}
        </div>
        <CheckAgain server={server} trans={trans} />
      </div>
      <h4 className="jp-Containerize-subTitle">
        {trans.__('What works without an engine')}
      </h4>
      <div className="jp-Containerize-alternative">
        <div className="jp-Containerize-buttons">
          <DownloadContextButton model={model} trans={trans} primary />
        </div>
        <p className="jp-Containerize-note">
          {trans.__(
            'The Dockerfile, the notebook, its files and the pinned environment, with your edits and options, to build on any machine with Docker.'
          )}
        </p>
        <DownloadContextResult model={model} trans={trans} />
      </div>
      <div className="jp-Containerize-alternative">
        <div className="jp-Containerize-buttons">
          <Button
            className="jp-mod-styled jp-mod-reject"
            onClick={() => model.setOption('target', 'binder')}
          >
            {trans.__('Use Binder instead')}
          </Button>
        </div>
        <p className="jp-Containerize-note">
          {trans.__(
            'Writes binder/ files and a launch link: %1 builds the image from your git repository.',
            binderhub
          )}
        </p>
      </div>
    </>
  );
}
