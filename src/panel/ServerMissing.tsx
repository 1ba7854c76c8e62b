import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { ServerStatus } from '../serverStatus';

const ENABLE_COMMAND =
  'jupyter server extension enable jupyterlab_containerize';

/** What to do when `GET /containerize/info` fails. */
export function ServerMissing(props: {
  status: ServerStatus;
  trans: TranslationBundle;
}): JSX.Element {
  const { status, trans } = props;
  const missing = status.state === 'missing';
  return (
    <div className="jp-Containerize-message jp-mod-error" role="alert">
      <div className="jp-Containerize-messageTitle">
        {missing
          ? trans.__('The containerize server extension is not running')
          : trans.__('The containerize server extension does not answer')}
      </div>
      {missing ? (
        <>
          <p>
            {trans.__(
              'This panel needs the jupyterlab_containerize server extension, which is missing or disabled in this Jupyter server. Enable it, then restart the server:'
            )}
          </p>
          <code className="jp-Containerize-code jp-Containerize-block">
            {ENABLE_COMMAND}
          </code>
          <p>
            {trans.__(
              'If the command says the extension is not found, install the package in the environment that runs the server: pip install jupyterlab_containerize.'
            )}
          </p>
        </>
      ) : (
        <p>{status.error?.message}</p>
      )}
      <Button
        className="jp-mod-styled jp-mod-reject"
        onClick={() => void status.check()}
      >
        {trans.__('Check again')}
      </Button>
    </div>
  );
}
