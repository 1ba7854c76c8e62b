/**
 * The Binder target of one notebook: `POST /containerize/binder` writes binder/ files beside the
 * notebook (or at the root of its git repository) and answers with a pinned launch link.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { shareBinder } from './api';
import { asResponseError, ResponseError } from './request';
import { IBinderShareResult } from './types';

export class BinderShare {
  constructor(
    private readonly _path: string,
    private readonly _options: () => {
      kernelId: string | null;
      /** Empty: the server's BinderHub (the admin's). */
      binderhubUrl: string;
    }
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isRunning(): boolean {
    return this._running;
  }

  get result(): IBinderShareResult | null {
    return this._result;
  }

  get error(): ResponseError | null {
    return this._error;
  }

  /**
   * Writes the files. The server inspects the notebook itself: edits made in the panel do not
   * apply to Binder files.
   *
   * @param force overwrite binder files that exist with other content
   */
  async share(force = false): Promise<void> {
    if (this._running) {
      return;
    }
    this._running = true;
    this._error = null;
    this._changed.emit();
    const { kernelId, binderhubUrl } = this._options();
    try {
      this._result = await shareBinder({
        path: this._path,
        force,
        ...(binderhubUrl ? { binderhub_url: binderhubUrl } : {}),
        ...(kernelId ? { kernel_id: kernelId } : {})
      });
    } catch (error) {
      this._error = asResponseError(error);
    } finally {
      this._running = false;
      this._changed.emit();
    }
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private _changed = new Signal<this, void>(this);
  private _running = false;
  private _result: IBinderShareResult | null = null;
  private _error: ResponseError | null = null;
}
