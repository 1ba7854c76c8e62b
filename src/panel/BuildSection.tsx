import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { BuildSession } from '../buildSession';
import { engineState } from '../engineStatus';
import { ContainerizeModel } from '../model';
import { phaseText } from '../phases';
import { IFixAction } from '../request';
import { showFullText } from '../notifications';
import { ServerStatus } from '../serverStatus';
import { BuildStatus } from '../types';
import { BinderCard } from './BinderCard';
import { BuildLog, formatElapsed } from './BuildLog';
import {
  DownloadContextButton,
  DownloadContextResult,
  EngineDown,
  EngineLine
} from './EngineStatus';
import { ErrorMessage, FixButtons } from './ErrorMessage';
import { ResultCard } from './ResultCard';
import { Section } from './Section';

function statusText(status: BuildStatus, trans: TranslationBundle): string {
  switch (status) {
    case 'queued':
      return trans.__('Queued');
    case 'running':
      return trans.__('Building');
    case 'succeeded':
      return trans.__('Succeeded');
    case 'failed':
      return trans.__('Failed');
    case 'cancelled':
      return trans.__('Cancelled');
    default:
      return status;
  }
}

/**
 * Where builds run, the Build / Cancel buttons, the live log and the result of the notebook's
 * last build. When no engine answers, what still works takes the Build button's place.
 */
export function BuildSection(props: {
  model: ContainerizeModel;
  server: ServerStatus;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, server, trans } = props;
  const build = model.build;
  const running = !!build && !build.isFinished;
  const blocker = model.buildBlocker;
  const engine = engineState(server.info);
  if (model.options.target === 'binder' && !running) {
    return (
      <Section
        title={trans.__('Binder')}
        className="jp-Containerize-buildSection"
      >
        <BinderCard model={model} trans={trans} />
      </Section>
    );
  }
  return (
    <Section title={trans.__('Build')} className="jp-Containerize-buildSection">
      {engine === 'unavailable' && !running && model.isProject ? (
        <p className="jp-Containerize-note jp-Containerize-warnText">
          {trans.__(
            'No build engine answers: a folder builds only where one runs. Check the engine, then open the folder again.'
          )}
        </p>
      ) : engine === 'unavailable' && !running ? (
        <EngineDown model={model} server={server} trans={trans} />
      ) : (
        <>
          {engine === 'available' && (
            <EngineLine server={server} trans={trans} />
          )}
          <BuildButtons model={model} trans={trans} />
          {blocker && !running && (model.spec || model.isProject) && (
            <p
              className="jp-Containerize-note"
              id="jp-Containerize-buildBlocker"
            >
              {blocker}
            </p>
          )}
          {!running && !model.isProject && (
            <div className="jp-Containerize-secondary">
              <DownloadContextButton model={model} trans={trans} />
              <DownloadContextResult model={model} trans={trans} />
            </div>
          )}
        </>
      )}
      {model.buildError && (
        <ErrorMessage
          error={model.buildError}
          title={trans.__('The build could not start')}
          trans={trans}
          onFix={action => void model.applyFix(action)}
        />
      )}
      <AppliedFixes model={model} trans={trans} />
      {build && (
        <BuildProgress
          build={build}
          trans={trans}
          onFix={running ? undefined : action => void model.applyFix(action)}
        />
      )}
    </Section>
  );
}

function BuildButtons(props: {
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const build = model.build;
  const blocker = model.buildBlocker;
  return (
    <div className="jp-Containerize-buttons">
      {build && !build.isFinished ? (
        <Button
          className="jp-mod-styled jp-mod-warn"
          onClick={() => void model.cancelBuild()}
        >
          {trans.__('Cancel build')}
        </Button>
      ) : (
        <Button
          className="jp-mod-styled jp-mod-accept"
          disabled={!!blocker || model.isStartingBuild}
          aria-describedby={
            blocker ? 'jp-Containerize-buildBlocker' : undefined
          }
          onClick={() => void model.startBuild()}
        >
          {model.isStartingBuild
            ? trans.__('Starting…')
            : build
              ? trans.__('Build again')
              : trans.__('Build image')}
        </Button>
      )}
    </div>
  );
}

/** The fixes applied to this document's builds, each one removable. */
function AppliedFixes(props: {
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { model, trans } = props;
  if (!model.appliedFixes.length) {
    return null;
  }
  return (
    <ul className="jp-Containerize-list jp-Containerize-appliedFixes">
      {model.appliedFixes.map(fix => (
        <li key={fix.id}>
          {trans.__('Applied: %1', fix.label)}{' '}
          <Button
            minimal
            small
            className="jp-Containerize-linkButton"
            onClick={() => model.removeFix(fix.id)}
          >
            {trans.__('Undo')}
          </Button>
        </li>
      ))}
    </ul>
  );
}

function BuildProgress(props: {
  build: BuildSession;
  trans: TranslationBundle;
  onFix?: (action: IFixAction) => void;
}): JSX.Element {
  const { build, trans } = props;
  const step = build.progress;
  const status = build.isLost ? 'failed' : build.status;
  const failure = build.failure;
  const kept = build.keptImage;
  const phase =
    build.status === 'running' && step ? phaseText(step.phase, trans) : null;
  return (
    <div className="jp-Containerize-build">
      <div
        className={`jp-Containerize-buildStatus jp-mod-${status}`}
        role="status"
        aria-live="polite"
      >
        <span className="jp-Containerize-statusDot" aria-hidden="true" />
        <span className="jp-Containerize-statusText">
          {build.isLost
            ? trans.__('Lost')
            : (phase ?? statusText(build.status, trans))}
        </span>
        {step && !build.isFinished && (
          <span>{trans.__('step %1 of %2', step.step, step.total)}</span>
        )}
        <span
          className="jp-Containerize-elapsed"
          title={trans.__('Elapsed time')}
        >
          {formatElapsed(build.elapsedMs)}
        </span>
      </div>
      {step && !build.isFinished && step.total > 0 && (
        <progress
          className="jp-Containerize-progress"
          max={step.total}
          value={step.step}
          aria-label={trans.__('Build progress')}
        />
      )}
      {build.error && !build.isLost && (
        <p className="jp-Containerize-note jp-Containerize-warnText">
          {trans.__(
            'Could not reach the build: %1 Retrying…',
            build.error.message
          )}
        </p>
      )}
      {build.isLost && build.error && (
        <ErrorMessage
          error={build.error}
          title={trans.__('The server no longer knows this build')}
          trans={trans}
        />
      )}
      {failure && (failure.hint || failure.actions.length > 0) && (
        <div className="jp-Containerize-message jp-mod-error" role="alert">
          <div>{failure.message}</div>
          {failure.hint && (
            <div className="jp-Containerize-hint">{failure.hint}</div>
          )}
          {props.onFix && (
            <FixButtons actions={failure.actions} onFix={props.onFix} />
          )}
        </div>
      )}
      {kept && (
        <p
          className="jp-Containerize-note jp-Containerize-keptImage"
          aria-label={trans.__('Kept image')}
        >
          {kept.previous
            ? trans.__(
                'The new image is kept as %1; the tag %2 still names the previous image.',
                kept.image,
                kept.tag ?? ''
              )
            : trans.__(
                'The new image is kept as %1; the tag %2 was not given to it.',
                kept.image,
                kept.tag ?? ''
              )}
        </p>
      )}
      <BuildLog build={build} trans={trans} />
      {build.status === 'failed' && !build.isLost && (
        <Button
          minimal
          small
          className="jp-Containerize-linkButton"
          onClick={() =>
            void showFullText(trans.__('The build failed'), build.failureText)
          }
        >
          {trans.__('Show the error')}
        </Button>
      )}
      {build.status === 'succeeded' && build.result && (
        <ResultCard result={build.result} trans={trans} />
      )}
    </div>
  );
}
