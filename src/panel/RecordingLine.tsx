import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { recordingText } from '../kernelRecord';
import { ContainerizeModel } from '../model';

/** "Recording what the kernel touches since 10:42 — …": nothing when off or not recording. */
export function RecordingLine(props: {
  model: ContainerizeModel;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { model, trans } = props;
  const text = recordingText(model.recording.status, trans);
  if (!text) {
    return null;
  }
  return (
    <p className="jp-Containerize-note jp-Containerize-recording" role="status">
      <span className="jp-Containerize-recordingDot" aria-hidden="true" />
      {text}
    </p>
  );
}
