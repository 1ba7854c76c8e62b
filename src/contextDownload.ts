/**
 * "Download build context": `POST /containerize/context` renders what a build would get (the
 * user's spec edits and options included) as a .tar.gz, for `docker build` on another machine.
 */
import { PathExt } from '@jupyterlab/coreutils';

import { downloadContext } from './api';
import { IPanelOptions, toBuildOptions } from './buildOptions';
import { IDownloadedFile } from './request';
import { saveFile } from './saveFile';
import { Task } from './task';
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

/** One notebook's context download: running, failed, or saved under a name (the result). */
export class ContextDownload extends Task<string> {
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
  ) {
    super({ supersede: false });
  }

  /** The file name of the last download, or null before the first one. */
  get savedAs(): string | null {
    return this.result;
  }

  async download(): Promise<void> {
    const { spec, options, kernelId } = this._current();
    await this.execute(async () => {
      const file = await downloadContext(
        contextRequest(this._path, spec, options, kernelId)
      );
      const name = file.fileName ?? defaultContextFileName(this._path);
      this._save(file, name);
      return name;
    });
  }
}
