import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

import { getServerInfo } from './api';

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyterlab-containerize:plugin',
  description:
    'Turn the notebook you ran into a container image, a service or a Binder link',
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    getServerInfo()
      .then(info => console.debug('jupyterlab-containerize server', info))
      .catch(reason =>
        console.warn('jupyterlab-containerize: server extension', reason)
      );
  }
};

export default plugin;
