import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  IToolbarWidgetRegistry,
  Notification
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

// Activation creates the store at once (builds resume from it), so it loads eagerly.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { BuildStore } from './buildStore';
import { addCommands } from './commands';
import { DocumentModels } from './documentModels';
import type { ContainerizeModel } from './model';
import { kernelIdFor, lockTargetFor, notebookCellsFor } from './notebookKernel';
// The panel is in the shell from the start (the layout restorer needs it), so it loads eagerly.
// eslint-disable-next-line jupyter/prefer-lazy-imports
import { ContainerizePanel } from './panel/ContainerizePanel';
import { ServerStatus } from './serverStatus';
import {
  DEFAULT_SETTINGS,
  IContainerizeSettings,
  readSettings
} from './settings';
import { createToolbarButton } from './toolbar';

const PLUGIN_ID = 'jupyterlab-containerize:plugin';

/** Wiring only: the panel, its command and toolbar button, settings and state. */
const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Turn the notebook you ran into a container image, a service or a Binder link.',
  autoStart: true,
  optional: [
    ITranslator,
    INotebookTracker,
    IDefaultFileBrowser,
    ICommandPalette,
    ISettingRegistry,
    IStateDB,
    ILayoutRestorer,
    IToolbarWidgetRegistry,
    ILabShell
  ],
  activate: (
    app: JupyterFrontEnd,
    translator: ITranslator | null,
    tracker: INotebookTracker | null,
    fileBrowser: IDefaultFileBrowser | null,
    palette: ICommandPalette | null,
    settingRegistry: ISettingRegistry | null,
    state: IStateDB | null,
    restorer: ILayoutRestorer | null,
    toolbarRegistry: IToolbarWidgetRegistry | null,
    labShell: ILabShell | null
  ) => {
    translator = translator ?? nullTranslator;
    const trans = translator.load('jupyterlab_containerize');
    const store = new BuildStore(state);
    const server = new ServerStatus();
    void server.check();

    let settings: IContainerizeSettings = { ...DEFAULT_SETTINGS };
    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(loaded => {
          settings = readSettings(loaded);
          loaded.changed.connect(() => {
            settings = readSettings(loaded);
          });
        })
        .catch(reason =>
          console.error('jupyterlab-containerize: cannot load settings', reason)
        );
    }

    const panel = new ContainerizePanel({ server, translator });
    app.shell.add(panel, 'right', { rank: 900 });
    restorer?.add(panel, 'jupyterlab-containerize');

    const showPanel = () => app.shell.activateById(panel.id);
    const models = new DocumentModels(async (path, project) => {
      // The model and the REST client load when a document is first shown.
      const { ContainerizeModel } = await import('./model');
      const model = new ContainerizeModel({
        project,
        path,
        kernelIdFor: p => kernelIdFor(p, tracker, app.serviceManager.sessions),
        settings: () => settings,
        store,
        trans,
        // A notification's "Open panel" shows the document it is about.
        showPanel: () => {
          showPanel();
          if (!model.isDisposed) {
            panel.setModel(model);
          }
        },
        lockTargetFor: p => lockTargetFor(p, tracker),
        notebookCellsFor: p => notebookCellsFor(p, tracker)
      });
      // any document's build may add or use an environment image: the panel's list follows
      model.buildFinished.connect(() => void panel.environments.buildEnded());
      void model.resumeBuild();
      return model;
    });

    // Which document the panel should show: the latest asked for wins, an older answer is dropped.
    let shown = 0;
    const show = async (
      find: () => Promise<ContainerizeModel>
    ): Promise<ContainerizeModel | null> => {
      const ticket = ++shown;
      const model = await find();
      if (ticket !== shown || model.isDisposed) {
        return null;
      }
      panel.setModel(model);
      return model;
    };
    /** A notebook's model, bound to its open tab when it has one. */
    const notebookModel = (path: string): Promise<ContainerizeModel> => {
      const widget = tracker?.find(w => w.context.path === path);
      return widget ? models.attach(widget) : models.get(path);
    };
    const followWidget = (widget: unknown) => {
      if (widget instanceof NotebookPanel && tracker?.has(widget)) {
        void show(() => models.attach(widget));
      }
    };
    // The panel shows the current tab's notebook; another kind of tab leaves it as it is.
    app.shell.currentChanged?.connect((_, change) =>
      followWidget(change.newValue)
    );
    // Back to a notebook from the file browser (a folder shown): its tab was current all along.
    labShell?.activeChanged.connect((_, change) =>
      followWidget(change.newValue)
    );
    tracker?.currentChanged.connect((_, widget) => {
      if (widget && app.shell.currentWidget === widget) {
        followWidget(widget);
      }
    });

    const openPanel = async (path: string) => {
      showPanel();
      await show(() => notebookModel(path));
      await store.rememberPanelPath(path);
    };
    const openProject = async (path: string) => {
      showPanel();
      await show(() => models.get(path, true));
    };

    const lockEnvironment = async (path: string) => {
      const model = await notebookModel(path);
      await model.lock.run();
      // From the palette the panel may be hidden: say it in a notification too.
      const error = model.lock.error;
      if (error) {
        Notification.error(
          trans.__('Could not lock the environment: %1', error.fullText),
          { autoClose: false }
        );
      }
    };

    addCommands({
      app,
      trans,
      tracker,
      fileBrowser,
      palette,
      openPanel,
      openProject,
      lockEnvironment
    });

    toolbarRegistry?.addFactory<NotebookPanel>(
      'Notebook',
      'containerize',
      notebook => createToolbarButton(notebook, app.commands, trans)
    );

    // After a reload: the current tab's notebook; else the notebook shown last, when it is open.
    // A remembered notebook that is gone (renamed, deleted) is not shown: nothing to inspect.
    void app.restored.then(async () => {
      if (panel.model) {
        return;
      }
      const current = app.shell.currentWidget;
      if (current instanceof NotebookPanel && tracker?.has(current)) {
        followWidget(current);
        return;
      }
      const path = await store.panelPath();
      const widget = path ? tracker?.find(w => w.context.path === path) : null;
      if (widget && !panel.model) {
        void show(() => models.attach(widget));
      }
    });
  }
};

export default plugin;
