import { caretRightIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

/** A collapsible part of the panel, keyboard-usable through the native <details>. */
export function Section(props: {
  title: string;
  /** Shown beside the title, e.g. how many rows the section lists. */
  badge?: string | number;
  /** Marks the badge as a warning. */
  warn?: boolean;
  defaultOpen?: boolean;
  className?: string;
  children: React.ReactNode;
}): JSX.Element {
  // Only the first value counts: afterwards the user opens and closes the section.
  const [initiallyOpen] = React.useState(props.defaultOpen ?? true);
  return (
    <details
      className={`jp-Containerize-section ${props.className ?? ''}`}
      open={initiallyOpen}
    >
      <summary className="jp-Containerize-sectionTitle">
        <caretRightIcon.react
          className="jp-Containerize-caret"
          tag="span"
          elementPosition="center"
        />
        <span className="jp-Containerize-sectionName">{props.title}</span>
        {props.badge !== undefined && (
          <span
            className={`jp-Containerize-badge${props.warn ? ' jp-mod-warn' : ''}`}
          >
            {props.badge}
          </span>
        )}
      </summary>
      <div className="jp-Containerize-sectionBody">{props.children}</div>
    </details>
  );
}
