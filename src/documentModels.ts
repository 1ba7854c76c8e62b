/**
 * The page's models: one per notebook or folder, created on first use and disposed with the
 * last tab of its document. Two tabs of one notebook share its model; a renamed notebook gets
 * the model of its new path.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { IDisposable } from '@lumino/disposable';
import { ISignal } from '@lumino/signaling';

import type { ContainerizeModel } from './model';

/** A notebook's tab, as far as its model's lifetime needs it. */
export interface IDocumentWidget {
  readonly context: {
    readonly path: string;
    readonly pathChanged: ISignal<unknown, string>;
  };
  readonly sessionContext: ISessionContext;
  readonly disposed: ISignal<unknown, void>;
  readonly isDisposed: boolean;
}

/** Makes the model of a path (a folder's when `project`). */
export type ModelFactory = (
  path: string,
  project: boolean
) => Promise<ContainerizeModel>;

export class DocumentModels implements IDisposable {
  constructor(private readonly _create: ModelFactory) {}

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The model of a path, made when there is none; it lives until the page goes. */
  async get(path: string, project = false): Promise<ContainerizeModel> {
    const key = keyOf(path, project);
    let pending = this._models.get(key);
    if (!pending) {
      pending = this._create(path, project);
      this._models.set(key, pending);
      pending.then(
        model => {
          if (this._models.get(key) === pending) {
            this._ready.set(key, model);
          }
        },
        () => this._models.delete(key)
      );
    }
    return pending;
  }

  /** The model made for a key, if it is ready. */
  peek(path: string, project = false): ContainerizeModel | null {
    return this._ready.get(keyOf(path, project)) ?? null;
  }

  /** The model of an open notebook's tab: disposed when the last tab of that path closes. */
  async attach(widget: IDocumentWidget): Promise<ContainerizeModel> {
    if (!this._widgets.has(widget)) {
      this._widgets.set(widget, widget.context.path);
      const onPath = () => void this._moved(widget);
      widget.context.pathChanged.connect(onPath);
      widget.disposed.connect(() => {
        widget.context.pathChanged.disconnect(onPath);
        this._detach(widget);
      });
    }
    const path = this._widgets.get(widget) ?? widget.context.path;
    const model = await this.get(path);
    model.watchSession(widget.sessionContext);
    return model;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    for (const model of this._ready.values()) {
      model.dispose();
    }
    this._ready.clear();
    this._models.clear();
  }

  private async _moved(widget: IDocumentWidget): Promise<void> {
    if (widget.isDisposed) {
      return;
    }
    this._detach(widget);
    await this.attach(widget);
  }

  /** Forgets a tab; the model of its path goes with the last tab. */
  private _detach(widget: IDocumentWidget): void {
    const path = this._widgets.get(widget);
    this._widgets.delete(widget);
    if (path === undefined) {
      return;
    }
    for (const other of this._widgets.values()) {
      if (other === path) {
        return;
      }
    }
    const key = keyOf(path, false);
    const pending = this._models.get(key);
    this._models.delete(key);
    this._ready.delete(key);
    void pending?.then(model => model.dispose());
  }

  private _isDisposed = false;
  private _models = new Map<string, Promise<ContainerizeModel>>();
  private _ready = new Map<string, ContainerizeModel>();
  private _widgets = new Map<IDocumentWidget, string>();
}

function keyOf(path: string, project: boolean): string {
  return project ? `${path}/` : path;
}
