import {
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
import type { ContainerizeModel } from './model';
import {
  kernelIdFor,
  lockTargetFor,
  sessionContextFor
} from './notebookKernel';
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
    IToolbarWidgetRegistry
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
    toolbarRegistry: IToolbarWidgetRegistry | null
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

    const models = new Map<string, ContainerizeModel>();
    const showPanel = () => app.shell.activateById(panel.id);
    const modelFor = async (
      path: string,
      project = false
    ): Promise<ContainerizeModel> => {
      // A folder's model is a project's; the trailing slash keeps it apart from a notebook's.
      const key = project ? `${path}/` : path;
      let model = models.get(key);
      if (!model) {
        // The model and the REST client load when a notebook is first containerized.
        const { ContainerizeModel } = await import('./model');
        model = models.get(key);
        if (model) {
          return model;
        }
        model = new ContainerizeModel({
          project,
          path,
          kernelIdFor: p =>
            kernelIdFor(p, tracker, app.serviceManager.sessions),
          settings: () => settings,
          store,
          trans,
          showPanel,
          lockTargetFor: p => lockTargetFor(p, tracker)
        });
        models.set(key, model);
        void model.resumeBuild();
      }
      return model;
    };
    const openPanel = async (path: string) => {
      showPanel();
      const model = await modelFor(path);
      const session = sessionContextFor(path, tracker);
      if (session) {
        model.recording.watch(session);
      }
      panel.setModel(model);
      await store.rememberPanelPath(path);
    };
    // Not remembered for a reload: the panel comes back on the last notebook.
    const openProject = async (path: string) => {
      showPanel();
      panel.setModel(await modelFor(path, true));
    };

    const lockEnvironment = async (path: string) => {
      const model = await modelFor(path);
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

    // After a reload the panel shows the notebook it showed, and finds its build again.
    void app.restored.then(async () => {
      const path = await store.panelPath();
      if (path && !panel.model) {
        const model = await modelFor(path);
        if (!panel.model) {
          panel.setModel(model);
        }
      }
    });
  }
};

export default plugin;
