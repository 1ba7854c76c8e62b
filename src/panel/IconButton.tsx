import { Button, LabIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

/** A small icon-only button; its label is both its accessible name and its tooltip. */
export function IconButton(props: {
  icon: LabIcon;
  label: string;
  onClick: () => void;
}): JSX.Element {
  return (
    <Button
      minimal
      small
      className="jp-Containerize-iconButton"
      aria-label={props.label}
      title={props.label}
      onClick={props.onClick}
    >
      <props.icon.react tag="span" elementPosition="center" />
    </Button>
  );
}
