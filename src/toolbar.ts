import { NotebookPanel } from '@jupyterlab/notebook';
import { TranslationBundle } from '@jupyterlab/translation';
import { ToolbarButton } from '@jupyterlab/ui-components';
import { CommandRegistry } from '@lumino/commands';

import { CommandIDs } from './commands';
import { containerizeIcon } from './icons';

/** The notebook toolbar's "Containerize" button, bound to that notebook (even when not current). */
export function createToolbarButton(
  panel: NotebookPanel,
  commands: CommandRegistry,
  trans: TranslationBundle
): ToolbarButton {
  return new ToolbarButton({
    icon: containerizeIcon,
    label: trans.__('Containerize'),
    tooltip: trans.__(
      'Turn this notebook into a container image, a service or a Binder link'
    ),
    className: 'jp-Containerize-toolbarButton',
    onClick: () => {
      void commands.execute(CommandIDs.open, { path: panel.context.path });
    }
  });
}
