import { ReactWidget } from '@jupyterlab/apputils';
import { ITranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  refreshIcon,
  SidePanel,
  ToolbarButton
} from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Panel } from '@lumino/widgets';
import { ISignal, Signal } from '@lumino/signaling';
import * as React from 'react';

import { EnvironmentsModel } from '../environments';
import { containerizeIcon } from '../icons';
import type { ContainerizeModel } from '../model';
import { ServerStatus } from '../serverStatus';
import { BuildSection } from './BuildSection';
import { EnvironmentsSection } from './EnvironmentsSection';
import { EnvironmentSummary } from './EnvironmentSummary';
import { ErrorMessage } from './ErrorMessage';
import { FilesSection } from './FilesSection';
import { GpuSection } from './GpuSection';
import { ImportsSection } from './ImportsSection';
import { OptionsSection } from './OptionsSection';
import { PackagesSection } from './PackagesSection';
import { ProjectView } from './ProjectView';
import { ProblemsSection } from './ProblemsSection';
import { ServeContract } from './ServeContract';
import { ServerMissing } from './ServerMissing';
import { SystemSection } from './SystemSection';
import { UnmappedImports } from './UnmappedImports';
import { useSignalRender } from './useSignal';

export const PANEL_ID = 'jp-containerize-panel';

/**
 * The right-hand side panel. It shows one notebook's model at a time; opening it for another
 * notebook swaps the model, and each model keeps its state (edits, running build) meanwhile.
 */
export class ContainerizePanel extends SidePanel {
  constructor(options: ContainerizePanel.IOptions) {
    super({ translator: options.translator, content: new Panel() });
    this._trans = options.translator.load('jupyterlab_containerize');
    this._server = options.server;
    this.id = PANEL_ID;
    this.addClass('jp-Containerize-panel');
    this.title.icon = containerizeIcon;
    this.title.caption = this._trans.__('Containerize');

    this.header.addWidget(
      ReactWidget.create(
        <h2 className="jp-Containerize-title">
          {this._trans.__('Containerize')}
        </h2>
      )
    );
    this.toolbar.addItem(
      'inspect',
      new ToolbarButton({
        icon: refreshIcon,
        label: this._trans.__('Inspect again'),
        tooltip: this._trans.__(
          'Inspect the notebook again, through its kernel if it runs one'
        ),
        onClick: () => void this._model?.inspect()
      })
    );
    this.addWidget(
      ReactWidget.create(
        <PanelView panel={this} server={this._server} trans={this._trans} />
      )
    );
  }

  get model(): ContainerizeModel | null {
    return this._model;
  }

  get modelChanged(): ISignal<this, ContainerizeModel | null> {
    return this._modelChanged;
  }

  /** The environment images on the engine: one list for the panel, whatever notebook it shows. */
  get environments(): EnvironmentsModel {
    return this._environments;
  }

  dispose(): void {
    this._environments.dispose();
    super.dispose();
  }

  /** Shows a notebook's (or a folder's) model; inspects it when the panel is visible. */
  setModel(model: ContainerizeModel | null): void {
    if (model === this._model) {
      return;
    }
    this._model?.disposed.disconnect(this._onModelDisposed, this);
    this._model = model;
    model?.disposed.connect(this._onModelDisposed, this);
    this._modelChanged.emit(model);
    if (model && this.isVisible) {
      model.ensureInspected();
    }
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._model?.ensureInspected();
  }

  private _onModelDisposed(): void {
    this.setModel(null);
  }

  private _server: ServerStatus;
  private _environments = new EnvironmentsModel();
  private _model: ContainerizeModel | null = null;
  private _modelChanged = new Signal<this, ContainerizeModel | null>(this);
}

export namespace ContainerizePanel {
  export interface IOptions {
    server: ServerStatus;
    translator: ITranslator;
  }
}

function PanelView(props: {
  panel: ContainerizePanel;
  server: ServerStatus;
  trans: TranslationBundle;
}): JSX.Element {
  const { panel, server, trans } = props;
  useSignalRender(server.changed);
  useSignalRender(panel.modelChanged);
  const model = panel.model && !panel.model.isDisposed ? panel.model : null;
  useSignalRender(model?.changed ?? null);
  if (server.state === 'missing' || server.state === 'unreachable') {
    return <ServerMissing status={server} trans={trans} />;
  }
  const environments = (
    <EnvironmentsSection
      model={panel.environments}
      server={server}
      trans={trans}
    />
  );
  if (!model) {
    return (
      <>
        <p className="jp-Containerize-empty jp-Containerize-placeholder">
          {trans.__(
            'Open a notebook and click Containerize in its toolbar, or right-click a notebook in the file browser.'
          )}
        </p>
        {environments}
      </>
    );
  }
  // Keyed by the document: a view's own state (an open editor, a typed name) never leaks.
  return (
    <>
      <NotebookView
        key={model.key}
        model={model}
        server={server}
        trans={trans}
      />
      {environments}
    </>
  );
}

function NotebookView(props: {
  model: ContainerizeModel;
  server: ServerStatus;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, server, trans } = props;
  const spec = model.spec;
  if (model.isProject) {
    return <ProjectView model={model} server={server} trans={trans} />;
  }
  return (
    <div className="jp-Containerize-content">
      <EnvironmentSummary model={model} spec={spec} trans={trans} />
      {server.specVersionMismatch && (
        <p className="jp-Containerize-note jp-Containerize-warnText">
          {trans.__(
            'The server writes spec version %1; this panel reads version 1. Update the extension.',
            server.info?.spec_version ?? '?'
          )}
        </p>
      )}
      {model.isInspecting && (
        <div className="jp-Containerize-loading" role="status">
          <span className="jp-Containerize-spinner" aria-hidden="true" />
          {model.kernelId
            ? trans.__('Inspecting the running kernel…')
            : trans.__('Inspecting the notebook (no running kernel)…')}
        </div>
      )}
      {model.inspectError && (
        <ErrorMessage
          error={model.inspectError}
          title={trans.__('Inspection failed')}
          trans={trans}
        />
      )}
      {spec && (
        <>
          <UnmappedImports model={model} trans={trans} />
          <ProblemsSection problems={spec.problems} trans={trans} />
          <PackagesSection model={model} trans={trans} />
          <ImportsSection model={model} trans={trans} />
          <FilesSection model={model} trans={trans} />
          <SystemSection model={model} trans={trans} />
          <GpuSection gpu={spec.gpu} trans={trans} />
          <OptionsSection model={model} trans={trans} />
          {model.options.target === 'serve' && (
            <ServeContract model={model} trans={trans} />
          )}
        </>
      )}
      {(spec || model.build) && (
        <BuildSection model={model} server={server} trans={trans} />
      )}
    </div>
  );
}
