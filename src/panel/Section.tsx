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
  /** Called each time the user opens the section (e.g. to load what it shows). */
  onOpen?: () => void;
  children: React.ReactNode;
}): JSX.Element {
  // Only the first value counts: afterwards the user opens and closes the section.
  const [initiallyOpen] = React.useState(props.defaultOpen ?? true);
  const { onOpen } = props;
  return (
    <details
      className={`jp-Containerize-section ${props.className ?? ''}`}
      open={initiallyOpen}
      onToggle={
        onOpen
          ? event => {
              if ((event.currentTarget as HTMLDetailsElement).open) {
                onOpen();
              }
            }
          : undefined
      }
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
