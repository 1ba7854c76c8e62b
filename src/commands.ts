/**
 * The `containerize:open` command: the notebook toolbar button, the command palette and the file
 * browser's context menu all run it. `containerize:open-folder`: a folder's context menu, for a
 * project build.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';

import { containerizeIcon } from './icons';

export namespace CommandIDs {
  export const open = 'containerize:open';
  export const lock = 'containerize:lock';
  export const openFolder = 'containerize:open-folder';
}

export interface ICommandContext {
  app: JupyterFrontEnd;
  trans: TranslationBundle;
  tracker: INotebookTracker | null;
  fileBrowser: IDefaultFileBrowser | null;
  palette: ICommandPalette | null;
  /** Shows the panel bound to a notebook. */
  openPanel: (path: string) => Promise<void>;
  /** Shows the panel bound to a folder: one image for all its notebooks. */
  openProject: (path: string) => Promise<void>;
  /** Sets the environment's lock into the open notebook's metadata and saves it. */
  lockEnvironment: (path: string) => Promise<void>;
}

export function addCommands(context: ICommandContext): void {
  const { app, trans, tracker, fileBrowser, palette } = context;

  /** The notebook the command is for: its argument, the right-clicked file, or the current one. */
  const targetPath = (args: { path?: unknown }): string | null => {
    if (typeof args.path === 'string' && args.path) {
      return args.path;
    }
    const fromBrowser = app.contextMenuHitTest(node =>
      node.classList.contains('jp-DirListing-item')
    );
    if (fromBrowser && fileBrowser) {
      const item = fileBrowser.selectedItems().next();
      if (!item.done && item.value.type === 'notebook') {
        return item.value.path;
      }
      return null;
    }
    return tracker?.currentWidget?.context.path ?? null;
  };

  app.commands.addCommand(CommandIDs.open, {
    label: args =>
      args.isPalette
        ? trans.__('Containerize the Current Notebook')
        : trans.__('Containerize…'),
    caption: trans.__(
      'Turn the notebook into a container image, a service or a Binder link'
    ),
    icon: args => (args.isPalette ? undefined : containerizeIcon),
    isEnabled: args => targetPath(args) !== null,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          path: {
            type: 'string',
            description: trans.__(
              "The notebook's path, relative to the server's root; default: the selected or current notebook"
            )
          },
          isPalette: { type: 'boolean' }
        }
      }
    },
    execute: args => {
      const path = targetPath(args);
      if (path) {
        return context.openPanel(path);
      }
    }
  });

  palette?.addItem({
    command: CommandIDs.open,
    category: trans.__('Containerize'),
    args: { isPalette: true }
  });

  /** The folder: the argument, else the folder selected in the file browser. */
  const folderPath = (args: { path?: unknown }): string | null => {
    if (typeof args.path === 'string') {
      return args.path;
    }
    const item = fileBrowser?.selectedItems().next();
    return item && !item.done && item.value.type === 'directory'
      ? item.value.path
      : null;
  };

  app.commands.addCommand(CommandIDs.openFolder, {
    label: trans.__('Containerize Folder…'),
    caption: trans.__('Build one image for every notebook in the folder'),
    icon: containerizeIcon,
    isEnabled: args => folderPath(args) !== null,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          path: {
            type: 'string',
            description: trans.__(
              "The folder's path, relative to the server's root; default: the selected folder"
            )
          }
        }
      }
    },
    execute: args => {
      const path = folderPath(args);
      if (path !== null) {
        return context.openProject(path);
      }
    }
  });

  /** The lock goes into the open notebook: the argument's, else the current one. */
  const openPath = (args: { path?: unknown }): string | null => {
    const path =
      typeof args.path === 'string' && args.path
        ? args.path
        : (tracker?.currentWidget?.context.path ?? null);
    return path && tracker?.find(panel => panel.context.path === path)
      ? path
      : null;
  };

  app.commands.addCommand(CommandIDs.lock, {
    label: trans.__('Lock Environment into Notebook'),
    caption: trans.__(
      "Pin the notebook's environment into its metadata (containerize.lock) and save it"
    ),
    isEnabled: args => openPath(args) !== null,
    describedBy: {
      args: {
        type: 'object',
        properties: {
          path: {
            type: 'string',
            description: trans.__(
              "An open notebook's path, relative to the server's root; default: the current notebook"
            )
          }
        }
      }
    },
    execute: args => {
      const path = openPath(args);
      if (path) {
        return context.lockEnvironment(path);
      }
    }
  });

  palette?.addItem({
    command: CommandIDs.lock,
    category: trans.__('Containerize')
  });
}
