import { INotebookTracker } from '@jupyterlab/notebook';
import { Session } from '@jupyterlab/services';

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
