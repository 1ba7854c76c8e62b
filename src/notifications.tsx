/**
 * A JupyterLab notification per build: in progress while it runs, then success or failure.
 * Failures carry a "Show" action with the full text.
 */
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import { BuildSession } from './buildSession';
import { phaseText } from './phases';
import { ILockResult } from './types';

/** Shows a long text (a failed build's log, a server error) in a dialog. */
export function showFullText(title: string, text: string): Promise<unknown> {
  return showDialog({
    title,
    body: <pre className="jp-Containerize-dialogText">{text}</pre>,
    buttons: [Dialog.okButton()]
  });
}

/**
 * Follows one build with one notification, until the build finishes or the notifier is disposed.
 */
export class BuildNotifier {
  constructor(
    private readonly _session: BuildSession,
    private readonly _trans: TranslationBundle,
    private readonly _showPanel: () => void
  ) {
    this._name = PathExt.basename(_session.path);
    this._id = Notification.emit(
      this._trans.__('Building an image of %1…', this._name),
      'in-progress',
      { autoClose: false, actions: [this._showPanelAction()] }
    );
    _session.changed.connect(this._onChanged, this);
    _session.finished.connect(this._onFinished, this);
  }

  dispose(): void {
    this._session.changed.disconnect(this._onChanged, this);
    this._session.finished.disconnect(this._onFinished, this);
  }

  /**
   * Stops following (the document closed): a build still running says so once and closes,
   * instead of an in-progress notification that never ends.
   */
  detach(): void {
    const running = !this._session.isFinished;
    this.dispose();
    if (running) {
      Notification.update({
        id: this._id,
        message: this._trans.__(
          'The build of %1 goes on; open the notebook again to follow it.',
          this._name
        ),
        type: 'info',
        autoClose: 8000,
        actions: []
      });
    }
  }

  /** Takes the notification away (a new build of the same document replaces it). */
  close(): void {
    this.dispose();
    Notification.dismiss(this._id);
  }

  private _onChanged(): void {
    const step = this._session.progress;
    if (!step || this._session.isFinished) {
      return;
    }
    const key = `${step.phase}:${step.step}`;
    if (key === this._lastStep) {
      return;
    }
    this._lastStep = key;
    const phase = phaseText(step.phase, this._trans);
    Notification.update({
      id: this._id,
      message: phase
        ? this._trans.__(
            '%1 of %2: step %3 of %4',
            phase,
            this._name,
            step.step,
            step.total
          )
        : this._trans.__(
            'Building an image of %1: step %2 of %3',
            this._name,
            step.step,
            step.total
          ),
      type: 'in-progress',
      autoClose: false,
      progress: step.total > 0 ? step.step / step.total : undefined,
      actions: [this._showPanelAction()]
    });
  }

  private _onFinished(): void {
    const session = this._session;
    this.dispose();
    if (session.status === 'succeeded' && !session.isLost) {
      const tag = session.result?.tag;
      Notification.update({
        id: this._id,
        message: tag
          ? this._trans.__('Built %1 from %2', tag, this._name)
          : this._trans.__('Built the image of %1', this._name),
        type: 'success',
        autoClose: 8000,
        actions: [this._showPanelAction()]
      });
      return;
    }
    if (session.status === 'cancelled' && !session.isLost) {
      Notification.update({
        id: this._id,
        message: this._trans.__('Cancelled the build of %1', this._name),
        type: 'info',
        autoClose: 5000,
        actions: []
      });
      return;
    }
    const text = session.failureText;
    const title = this._trans.__('The build of %1 failed', this._name);
    Notification.update({
      id: this._id,
      message: session.isLost
        ? this._trans.__('The server lost the build of %1', this._name)
        : title,
      type: 'error',
      // Stays in the notification centre; the toast does not cover the log for ever.
      autoClose: 20000,
      actions: [
        {
          label: this._trans.__('Show'),
          caption: this._trans.__('Show the full error and the log'),
          callback: () => {
            void showFullText(title, text);
          }
        },
        this._showPanelAction()
      ]
    });
  }

  private _showPanelAction(): Notification.IAction {
    return {
      label: this._trans.__('Open panel'),
      caption: this._trans.__('Open the Containerize panel'),
      displayType: 'link',
      callback: () => this._showPanel()
    };
  }

  private _id: string;
  private _name: string;
  private _lastStep = '';
}

/** Tells the user what "Lock environment into notebook" pinned, and what to know about it. */
export function notifyLocked(
  trans: TranslationBundle
): (result: ILockResult) => void {
  return result => {
    Notification.success(
      trans.__('Locked the environment into the notebook: %1', result.summary),
      { autoClose: 8000 }
    );
    if (result.warning) {
      Notification.warning(result.warning, { autoClose: false });
    }
  };
}
