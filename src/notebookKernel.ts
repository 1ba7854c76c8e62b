import { ISessionContext } from '@jupyterlab/apputils';
import { INotebookTracker } from '@jupyterlab/notebook';
import { Session } from '@jupyterlab/services';

import type { ILockTarget } from './notebookLock';

/**
 * The id of the kernel that runs a notebook now, or null: from the open notebook's session
 * first, else from the server's running sessions (a notebook closed with its kernel still up).
 */
export function kernelIdFor(
  path: string,
  tracker: INotebookTracker | null,
  sessions: Session.IManager
): string | null {
  const widget = tracker?.find(panel => panel.context.path === path);
  const kernel = widget?.sessionContext.session?.kernel;
  if (kernel) {
    return kernel.id;
  }
  for (const session of sessions.running()) {
    if (session.path === path && session.kernel) {
      return session.kernel.id;
    }
  }
  return null;
}

/** The open notebook of a path, as the lock action writes it; null when it is not open. */
export function lockTargetFor(
  path: string,
  tracker: INotebookTracker | null
): ILockTarget | null {
  const widget = tracker?.find(panel => panel.context.path === path);
  const model = widget?.context.model;
  if (!widget || !model) {
    return null;
  }
  return {
    getMetadata: key => model.getMetadata(key),
    // The lock is plain JSON, as the server answered it.
    setMetadata: (key, value) => model.setMetadata(key, value as any),
    save: () => widget.context.save()
  };
}

/** The session of a notebook open in the shell, or null: its kernel changes and restarts. */
export function sessionContextFor(
  path: string,
  tracker: INotebookTracker | null
): ISessionContext | null {
  return (
    tracker?.find(panel => panel.context.path === path)?.sessionContext ?? null
  );
}
