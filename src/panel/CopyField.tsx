import { Clipboard } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Button, checkIcon, copyIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

/** A command or a snippet in monospace, with a button that copies it. */
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
  return (
    <div className="jp-Containerize-copyField">
      <code className="jp-Containerize-code">{props.text}</code>
      <Button
        minimal
        small
        className="jp-Containerize-iconButton"
        aria-label={label}
        title={copied ? props.trans.__('Copied') : label}
        onClick={() => {
          Clipboard.copyToSystem(props.text);
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
  );
}
