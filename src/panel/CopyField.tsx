import { Clipboard } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Button, checkIcon, copyIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import { placeholders, withPlaceholders } from '../placeholders';

/**
 * A command or a snippet in monospace, with a button that copies it. A redacted secret (`***`)
 * is never shown or copied: it becomes a `<NAME>` placeholder, and a line says to fill it.
 */
export function CopyField(props: {
  text: string;
  /** What is copied, for the button's label: "docker run command". */
  what: string;
  trans: TranslationBundle;
}): JSX.Element {
  const [copied, setCopied] = React.useState(false);
  React.useEffect(() => {
    if (!copied) {
      return;
    }
    const timer = window.setTimeout(() => setCopied(false), 1500);
    return () => window.clearTimeout(timer);
  }, [copied]);
  const label = props.trans.__('Copy the %1', props.what);
  const text = withPlaceholders(props.text);
  const toFill = placeholders(text);
  return (
    <>
      <div className="jp-Containerize-copyField">
        <code className="jp-Containerize-code">{text}</code>
        <Button
          minimal
          small
          className="jp-Containerize-iconButton"
          aria-label={label}
          title={copied ? props.trans.__('Copied') : label}
          onClick={() => {
            Clipboard.copyToSystem(text);
            setCopied(true);
          }}
        >
          {copied ? (
            <checkIcon.react tag="span" elementPosition="center" />
          ) : (
            <copyIcon.react tag="span" elementPosition="center" />
          )}
        </Button>
      </div>
      {toFill.length > 0 && (
        <p className="jp-Containerize-note jp-Containerize-placeholderNote">
          {props.trans.__(
            'Replace %1 with your own value before running it.',
            toFill.join(', ')
          )}
        </p>
      )}
    </>
  );
}
