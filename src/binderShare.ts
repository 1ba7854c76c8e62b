/**
 * The Binder target of one notebook: `POST /containerize/binder` writes binder/ files beside the
 * notebook (or at the root of its git repository) and answers with a pinned launch link.
 */
import { shareBinder } from './api';
import { Task } from './task';
import { IBinderShareResult } from './types';

export class BinderShare extends Task<IBinderShareResult> {
  constructor(
    private readonly _path: string,
    private readonly _options: () => {
      kernelId: string | null;
      /** Empty: the server's BinderHub (the admin's). */
      binderhubUrl: string;
    }
  ) {
    super({ supersede: false });
  }

  /**
   * Writes the files. The server inspects the notebook itself: edits made in the panel do not
   * apply to Binder files.
   *
   * @param force overwrite binder files that exist with other content
   */
  async share(force = false): Promise<void> {
    const { kernelId, binderhubUrl } = this._options();
    await this.execute(() =>
      shareBinder({
        path: this._path,
        force,
        ...(binderhubUrl ? { binderhub_url: binderhubUrl } : {}),
        ...(kernelId ? { kernel_id: kernelId } : {})
      })
    );
  }
}
