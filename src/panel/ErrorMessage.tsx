import { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { showFullText } from '../notifications';
import { IFixAction, ResponseError } from '../request';

/** A server error as the user should see it: what went wrong, what to do, the details on demand. */
export function ErrorMessage(props: {
  error: ResponseError;
  title: string;
  trans: TranslationBundle;
  /** Applies a fix the server offered; without it the fixes are not shown. */
  onFix?: (action: IFixAction) => void;
}): JSX.Element {
  const { error, trans } = props;
  const hasDetail =
    error.detail !== undefined && error.detail !== null && error.detail !== '';
  return (
    <div className="jp-Containerize-message jp-mod-error" role="alert">
      <div className="jp-Containerize-messageTitle">{props.title}</div>
      <div>{error.message}</div>
      {error.hint && <div className="jp-Containerize-hint">{error.hint}</div>}
      {props.onFix && (
        <FixButtons actions={error.actions} onFix={props.onFix} />
      )}
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

/** The fixes the server offered with an error, one button each. */
export function FixButtons(props: {
  actions: ReadonlyArray<IFixAction>;
  onFix: (action: IFixAction) => void;
}): JSX.Element | null {
  if (!props.actions.length) {
    return null;
  }
  return (
    <div className="jp-Containerize-fixes">
      {props.actions.map(action => (
        <Button
          key={action.id}
          small
          className="jp-mod-styled jp-mod-accept"
          onClick={() => props.onFix(action)}
        >
          {action.label}
        </Button>
      ))}
    </div>
  );
}
