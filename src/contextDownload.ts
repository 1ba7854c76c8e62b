/**
 * "Download build context": `POST /containerize/context` renders what a build would get (the
 * user's spec edits and options included) as a .tar.gz, for `docker build` on another machine.
 */
import { PathExt } from '@jupyterlab/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import { downloadContext } from './api';
import { IPanelOptions, toBuildOptions } from './buildOptions';
import { asResponseError, IDownloadedFile, ResponseError } from './request';
import { saveFile } from './saveFile';
import { IContextRequest, IEnvironmentSpec } from './types';

export { saveFile };

/**
 * The request body: the same path, spec and options a build request would send. Without a spec
 * (not inspected yet) the server inspects, through the notebook's kernel when it has one.
 */
export function contextRequest(
  path: string,
  spec: IEnvironmentSpec | null,
  options: IPanelOptions,
  kernelId: string | null
): IContextRequest {
  const request: IContextRequest = {
    path,
    options: toBuildOptions(options, path)
  };
  if (spec) {
    request.spec = spec;
  } else if (kernelId) {
    request.kernel_id = kernelId;
  }
  return request;
}

/** `dir/analysis.ipynb` -> `analysis-context.tar.gz`: the server's name, when it sends none. */
export function defaultContextFileName(path: string): string {
  const stem = PathExt.basename(path, PathExt.extname(path)) || 'notebook';
  return `${stem}-context.tar.gz`;
}

/** One notebook's context download: running, failed, or saved under a name. */
export class ContextDownload {
  constructor(
    private readonly _path: string,
    private readonly _current: () => {
      spec: IEnvironmentSpec | null;
      options: IPanelOptions;
      kernelId: string | null;
    },
    private readonly _save: (file: IDownloadedFile, name: string) => void = (
      file,
      name
    ) => saveFile(file.blob, name)
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isRunning(): boolean {
    return this._running;
  }

  get error(): ResponseError | null {
    return this._error;
  }

  /** The file name of the last download, or null before the first one. */
  get savedAs(): string | null {
    return this._savedAs;
  }

  async download(): Promise<void> {
    if (this._running) {
      return;
    }
    this._running = true;
    this._error = null;
    this._changed.emit();
    const { spec, options, kernelId } = this._current();
    try {
      const file = await downloadContext(
        contextRequest(this._path, spec, options, kernelId)
      );
      const name = file.fileName ?? defaultContextFileName(this._path);
      this._save(file, name);
      this._savedAs = name;
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
  private _error: ResponseError | null = null;
  private _savedAs: string | null = null;
}
