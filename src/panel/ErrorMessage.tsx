import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { showFullText } from '../notifications';
import { ResponseError } from '../request';

/** A server error as the user should see it: what went wrong, what to do, the details on demand. */
export function ErrorMessage(props: {
  error: ResponseError;
  title: string;
  trans: TranslationBundle;
}): JSX.Element {
  const { error, trans } = props;
  const hasDetail =
    error.detail !== undefined && error.detail !== null && error.detail !== '';
  return (
    <div className="jp-Containerize-message jp-mod-error" role="alert">
      <div className="jp-Containerize-messageTitle">{props.title}</div>
      <div>{error.message}</div>
      {error.hint && <div className="jp-Containerize-hint">{error.hint}</div>}
      {hasDetail && (
        <Button
          minimal
          small
          className="jp-Containerize-linkButton"
          onClick={() => void showFullText(props.title, error.fullText)}
        >
          {trans.__('Show details')}
        </Button>
      )}
    </div>
  );
}
