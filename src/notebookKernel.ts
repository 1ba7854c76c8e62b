import { ISessionContext } from '@jupyterlab/apputils';
import type { INotebookTracker, Notebook } from '@jupyterlab/notebook';
import { Session } from '@jupyterlab/services';
import { DisposableDelegate } from '@lumino/disposable';

import type { ILockTarget } from './notebookLock';
import { INotebookCells, readTags } from './serveCells';

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
    save: () => widget.context.save(),
    isDirty: () => model.dirty
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

type CellModel = Notebook['widgets'][number]['model'];

/** The open notebook's cells for the serve contract, or null when it is not open. */
export function notebookCellsFor(
  path: string,
  tracker: INotebookTracker | null
): INotebookCells | null {
  const widget = tracker?.find(panel => panel.context.path === path);
  if (!widget) {
    return null;
  }
  const notebook = widget.content;
  return {
    cells: () =>
      notebook.widgets.map(cell => ({
        type: cell.model.type,
        tags: readTags(cell.model.getMetadata('tags')),
        selected: notebook.isSelectedOrActive(cell)
      })),
    addTag: (indices, tag) => {
      for (const index of indices) {
        const cell = notebook.widgets[index];
        if (!cell) {
          continue;
        }
        const tags = readTags(cell.model.getMetadata('tags'));
        if (!tags.includes(tag)) {
          cell.model.setMetadata('tags', [...tags, tag]);
        }
      }
    },
    watch: callback => {
      // Cells come and go; each one's tags live in its metadata.
      const model = widget.model;
      const hooked = new Set<CellModel>();
      const hook = () => {
        if (!model) {
          return;
        }
        for (const cell of model.cells) {
          if (!hooked.has(cell)) {
            hooked.add(cell);
            cell.metadataChanged.connect(callback);
          }
        }
      };
      const onCells = () => {
        hook();
        callback();
      };
      hook();
      model?.cells.changed.connect(onCells);
      notebook.activeCellChanged.connect(callback);
      notebook.selectionChanged.connect(callback);
      return new DisposableDelegate(() => {
        model?.cells.changed.disconnect(onCells);
        notebook.activeCellChanged.disconnect(callback);
        notebook.selectionChanged.disconnect(callback);
        for (const cell of hooked) {
          cell.metadataChanged.disconnect(callback);
        }
      });
    }
  };
}
