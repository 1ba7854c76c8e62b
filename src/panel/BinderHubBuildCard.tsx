import { TranslationBundle } from '@jupyterlab/translation';
import { Button, checkIcon, launchIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { binderOutcome, phaseText } from '../binderHubEvents';
import { BuildSession } from '../buildSession';
import { ContainerizeModel } from '../model';
import { ResponseError } from '../request';
import { BuildLog, formatElapsed } from './BuildLog';
import { ErrorMessage } from './ErrorMessage';

/** The status line's words: BinderHub's phase while it runs, the end once it ended. */
function statusText(
  session: BuildSession,
  prebuild: boolean,
  trans: TranslationBundle
): string {
  if (session.isLost) {
    return trans.__('Lost');
  }
  switch (session.status) {
    case 'succeeded':
      return prebuild ? trans.__('Image built') : trans.__('Ready');
    case 'failed':
      return trans.__('Failed');
    case 'cancelled':
      return trans.__('Cancelled');
    default: {
      const phase = session.phase;
      return phase ? phaseText(phase, trans) : trans.__('Asking BinderHub');
    }
  }
}

/**
 * "Pre-build on BinderHub" and "Build and launch" for the pinned link: BinderHub's phases and log
 * in the build log, Cancel while it runs, and how it ended.
 */
export function BinderHubBuildCard(props: {
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const hub = model.binderHub;
  const session = hub.session;
  const running = hub.isRunning;
  const id = React.useId();
  return (
    <div className="jp-Containerize-binderHub">
      <h4 className="jp-Containerize-subTitle">
        {trans.__('Build on BinderHub')}
      </h4>
      <p className="jp-Containerize-note">
        {trans.__(
          'BinderHub builds the image of the pinned commit now: a pre-build makes the badge start fast; Build and launch also starts a session for you.'
        )}
      </p>
      <div className="jp-Containerize-field jp-Containerize-hubToken">
        <label className="jp-Containerize-label" htmlFor={`${id}-hub-token`}>
          {trans.__('Hub API token (only for a BinderHub behind a login)')}
        </label>
        <input
          id={`${id}-hub-token`}
          className="jp-mod-styled"
          type="password"
          autoComplete="off"
          placeholder={trans.__('none')}
          value={hub.hubToken}
          disabled={running}
          onChange={event => {
            hub.hubToken = event.target.value;
          }}
        />
        <p className="jp-Containerize-note">
          {trans.__(
            'Kept for this page only and sent with each build; never saved or shown.'
          )}
        </p>
      </div>
      <div className="jp-Containerize-buttons">
        {running ? (
          <Button
            className="jp-mod-styled jp-mod-warn"
            disabled={hub.isStarting}
            onClick={() => void hub.cancel()}
          >
            {hub.isStarting ? trans.__('Starting…') : trans.__('Cancel')}
          </Button>
        ) : (
          <>
            <Button
              className="jp-mod-styled jp-mod-accept"
              title={trans.__(
                'Build the image on BinderHub without starting a session'
              )}
              onClick={() => void hub.start(true)}
            >
              {trans.__('Pre-build on BinderHub')}
            </Button>
            <Button
              className="jp-mod-styled jp-mod-reject"
              title={trans.__(
                'Build the image on BinderHub, then start a session of the notebook'
              )}
              onClick={() => void hub.start(false)}
            >
              {trans.__('Build and launch')}
            </Button>
          </>
        )}
      </div>
      {hub.error && (
        <ErrorMessage
          error={hub.error}
          title={trans.__('The BinderHub build could not start')}
          trans={trans}
        />
      )}
      {session && (
        <BinderHubProgress
          session={session}
          prebuild={hub.prebuild}
          trans={trans}
        />
      )}
    </div>
  );
}

function BinderHubProgress(props: {
  session: BuildSession;
  prebuild: boolean;
  trans: TranslationBundle;
}): JSX.Element {
  const { session, prebuild, trans } = props;
  const status = session.isLost ? 'failed' : session.status;
  const outcome = session.isFinished ? binderOutcome(session.record) : null;
  return (
    <div className="jp-Containerize-build">
      <div
        className={`jp-Containerize-buildStatus jp-mod-${status}`}
        role="status"
        aria-live="polite"
        aria-label={trans.__('BinderHub build status')}
      >
        <span className="jp-Containerize-statusDot" aria-hidden="true" />
        <span className="jp-Containerize-statusText">
          {statusText(session, prebuild, trans)}
        </span>
        <span className="jp-Containerize-muted">
          {prebuild ? trans.__('pre-build') : trans.__('build and launch')}
        </span>
        <span
          className="jp-Containerize-elapsed"
          title={trans.__('Elapsed time')}
        >
          {formatElapsed(session.elapsedMs)}
        </span>
      </div>
      {session.error && !session.isLost && (
        <p className="jp-Containerize-note jp-Containerize-warnText">
          {trans.__(
            'Could not reach the build: %1 Retrying…',
            session.error.message
          )}
        </p>
      )}
      {session.isLost && session.error && (
        <ErrorMessage
          error={session.error}
          title={trans.__('The server no longer knows this build')}
          trans={trans}
        />
      )}
      <BuildLog
        build={session}
        trans={trans}
        label={trans.__('BinderHub build log')}
      />
      {outcome?.kind === 'built' && (
        <div className="jp-Containerize-result">
          <div className="jp-Containerize-resultTitle">
            <checkIcon.react tag="span" elementPosition="center" />
            <span>{trans.__('Image built: the badge will start fast')}</span>
          </div>
          {outcome.commit && (
            <p className="jp-Containerize-note">
              {trans.__('For commit %1.', outcome.commit.slice(0, 12))}
            </p>
          )}
          {outcome.link && (
            <a
              className="jp-Containerize-link"
              href={outcome.link}
              target="_blank"
              rel="noopener noreferrer"
            >
              <launchIcon.react tag="span" elementPosition="center" />
              {trans.__('Open the Binder link')}
            </a>
          )}
          {outcome.note && (
            <p className="jp-Containerize-note jp-Containerize-binderNote">
              {outcome.note}
            </p>
          )}
        </div>
      )}
      {outcome?.kind === 'launched' && (
        <div className="jp-Containerize-result">
          <div className="jp-Containerize-resultTitle">
            <checkIcon.react tag="span" elementPosition="center" />
            <span>{trans.__('Session ready on BinderHub')}</span>
          </div>
          <a
            className="jp-Containerize-link"
            href={outcome.url}
            target="_blank"
            rel="noopener noreferrer"
          >
            <launchIcon.react tag="span" elementPosition="center" />
            {trans.__('Open the launched notebook')}
          </a>
          <p className="jp-Containerize-note">
            {trans.__(
              "The link holds the session's token: keep it to yourself."
            )}
          </p>
        </div>
      )}
      {outcome?.kind === 'failed' && (
        <ErrorMessage
          error={
            new ResponseError(0, outcome.message, outcome.code, outcome.hint)
          }
          title={trans.__('BinderHub did not build the image')}
          trans={trans}
        />
      )}
    </div>
  );
}
