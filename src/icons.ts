import { LabIcon } from '@jupyterlab/ui-components';

import containerizeSvg from '../style/icons/containerize.svg';

/** The panel's, the toolbar button's and the settings' icon: a box. */
export const containerizeIcon = new LabIcon({
  name: 'jupyterlab-containerize:containerize',
  svgstr: containerizeSvg
});
