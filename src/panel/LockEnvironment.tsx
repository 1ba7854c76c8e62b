import { TranslationBundle } from '@jupyterlab/translation';
import { Button, lockIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { ContainerizeModel } from '../model';
import { ErrorMessage } from './ErrorMessage';

/**
 * "Lock environment into notebook": the pins go into the open notebook's metadata
 * (`containerize.lock`) and the notebook is saved, so that the next person, or a build with no
 * kernel, gets the same pins instead of a guess.
 */
export function LockEnvironment(props: {
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, trans } = props;
  const lock = model.lock;
  return (
    <div className="jp-Containerize-lock">
      <Button
        minimal
        small
        className="jp-Containerize-linkButton jp-Containerize-lockButton"
        disabled={lock.isRunning}
        title={trans.__(
          "Write the pinned environment into the notebook's metadata (containerize.lock) and save it"
        )}
        onClick={() => void lock.run()}
      >
        <lockIcon.react tag="span" elementPosition="center" />
        {lock.isRunning
          ? trans.__('Locking…')
          : trans.__('Lock environment into notebook')}
      </Button>
      {lock.result && !lock.isRunning && !lock.error && (
        <p className="jp-Containerize-note" role="status">
          {trans.__('Locked and saved: %1', lock.result.summary)}
        </p>
      )}
      {lock.result?.warning && !lock.isRunning && !lock.error && (
        <p className="jp-Containerize-note jp-Containerize-warnText">
          {lock.result.warning}
        </p>
      )}
      {lock.error && (
        <ErrorMessage
          error={lock.error}
          title={trans.__('Could not lock the environment')}
          trans={trans}
        />
      )}
    </div>
  );
}
