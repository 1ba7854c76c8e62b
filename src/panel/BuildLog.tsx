import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { logLine } from '../binderHubEvents';
import { BuildSession } from '../buildSession';

/** 75000 -> "1:15"; 3_725_000 -> "1:02:05". */
export function formatElapsed(ms: number): string {
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
    : `${minutes}:${seconds}`;
}

/**
 * A build's log (an image build's or a BinderHub build's), following its end unless the user
 * scrolled up to read.
 */
export function BuildLog(props: {
  build: BuildSession;
  trans: TranslationBundle;
  /** The log's accessible name; default "Build log". */
  label?: string;
}): JSX.Element | null {
  const { build, trans } = props;
  const ref = React.useRef<HTMLPreElement>(null);
  const stick = React.useRef(true);
  const count = build.events.length;
  React.useLayoutEffect(() => {
    const node = ref.current;
    if (node && stick.current) {
      node.scrollTop = node.scrollHeight;
    }
  }, [count]);
  if (count === 0) {
    return null;
  }
  return (
    <pre
      ref={ref}
      className="jp-Containerize-log"
      role="log"
      aria-label={props.label ?? trans.__('Build log')}
      tabIndex={0}
      onScroll={event => {
        const node = event.currentTarget;
        stick.current =
          node.scrollHeight - node.scrollTop - node.clientHeight < 24;
      }}
    >
      {build.events.map(event => (
        <div
          key={event.index}
          className={`jp-Containerize-logLine jp-mod-${event.kind}`}
        >
          {logLine(event)}
        </div>
      ))}
    </pre>
  );
}
