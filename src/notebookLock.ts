/**
 * "Lock environment into notebook": `POST /containerize/lock` answers the lock, and the panel sets
 * it in the OPEN notebook's metadata (`containerize.lock`, other keys kept) and saves through the
 * notebook's context. The server never writes a file JupyterLab has open (`write` stays false).
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { lockNotebook } from './api';
import { ResponseError } from './request';
import { Task } from './task';
import { ILockRequest, ILockResult, INotebookLock } from './types';

/** The notebook metadata key the lock lives under (docs/spec.md). */
export const METADATA_KEY = 'containerize';

/** The open notebook, as far as locking needs it. */
export interface ILockTarget {
  getMetadata(key: string): unknown;
  setMetadata(key: string, value: unknown): void;
  save(): Promise<void>;
  /** Whether the open notebook has changes not saved to its file (a build reads the file). */
  isDirty?(): boolean;
}

/** `metadata.containerize` with the new lock: the other keys there are kept. */
export function mergeLockMetadata(
  existing: unknown,
  lock: INotebookLock
): { [key: string]: unknown } {
  const kept =
    existing && typeof existing === 'object' && !Array.isArray(existing)
      ? (existing as { [key: string]: unknown })
      : {};
  return { ...kept, lock };
}

/** The request: the running kernel when there is one; hashes on; the server writes nothing. */
export function lockRequest(
  path: string,
  kernelId: string | null
): ILockRequest {
  const request: ILockRequest = { path, hashes: true, write: false };
  if (kernelId) {
    request.kernel_id = kernelId;
  }
  return request;
}

/** Tells the user what was locked, and what to know about it. */
export type LockNotifier = (result: ILockResult) => void;

/** One notebook's lock action: running, failed, or done with the server's summary. */
export class LockAction extends Task<ILockResult> {
  constructor(
    private readonly _path: string,
    private readonly _current: () => {
      kernelId: string | null;
      target: ILockTarget | null;
    },
    private readonly _trans: TranslationBundle,
    private readonly _notify: LockNotifier
  ) {
    super({ supersede: false });
  }

  /** Whether the notebook is open (the lock goes into the open notebook). */
  get canRun(): boolean {
    return this._current().target !== null;
  }

  async run(): Promise<void> {
    await this.execute(async () => {
      const { kernelId } = this._current();
      if (!this._current().target) {
        throw this._notOpen();
      }
      const result = await lockNotebook(lockRequest(this._path, kernelId));
      // The notebook may have been closed while the server worked.
      const target = this._current().target;
      if (!target) {
        throw this._notOpen();
      }
      target.setMetadata(
        METADATA_KEY,
        mergeLockMetadata(target.getMetadata(METADATA_KEY), result.lock)
      );
      await target.save();
      this._notify(result);
      return result;
    });
  }

  private _notOpen(): ResponseError {
    return new ResponseError(
      0,
      this._trans.__('The notebook is not open.'),
      'notebook-not-open',
      this._trans.__(
        'Open it, then lock again: the lock is written into the open notebook and saved.'
      )
    );
  }
}
