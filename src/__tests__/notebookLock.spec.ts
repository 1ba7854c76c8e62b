import { TranslationBundle } from '@jupyterlab/translation';

import { lockNotebook } from '../api';
import {
  ILockTarget,
  LockAction,
  lockRequest,
  mergeLockMetadata
} from '../notebookLock';
import { ILockResult, INotebookLock } from '../types';

jest.mock('../api', () => ({ lockNotebook: jest.fn() }));

const lockApi = lockNotebook as unknown as jest.Mock;

const trans = {
  __: (msgid: string) => msgid
} as unknown as TranslationBundle;

const LOCK: INotebookLock = {
  version: 1,
  source: 'kernel',
  python: '3.11.2',
  packages: [{ name: 'numpy', version: '1.26.4', reason: 'imported' }]
};

const ANSWER: ILockResult = {
  lock: LOCK,
  summary:
    '1 packages for Python 3.11.2, read from the running kernel; 1 with hashes.',
  warning: null,
  written: false
};

/** An open notebook's metadata, in memory. */
class FakeNotebook implements ILockTarget {
  metadata: { [key: string]: unknown } = {};
  saves = 0;
  getMetadata(key: string): unknown {
    return this.metadata[key];
  }
  setMetadata(key: string, value: unknown): void {
    this.metadata[key] = value;
  }
  async save(): Promise<void> {
    this.saves++;
  }
}

describe('mergeLockMetadata', () => {
  it('keeps the other keys under containerize', () => {
    expect(
      mergeLockMetadata({ note: 'kept', lock: { version: 0 } }, LOCK)
    ).toEqual({ note: 'kept', lock: LOCK });
  });

  it('starts afresh from nothing or from something that is not an object', () => {
    expect(mergeLockMetadata(undefined, LOCK)).toEqual({ lock: LOCK });
    expect(mergeLockMetadata(['x'], LOCK)).toEqual({ lock: LOCK });
    expect(mergeLockMetadata('x', LOCK)).toEqual({ lock: LOCK });
  });
});

describe('lockRequest', () => {
  it('asks through the running kernel, with hashes, and never writes the file', () => {
    expect(lockRequest('a.ipynb', 'k-1')).toEqual({
      path: 'a.ipynb',
      kernel_id: 'k-1',
      hashes: true,
      write: false
    });
    expect(lockRequest('a.ipynb', null)).toEqual({
      path: 'a.ipynb',
      hashes: true,
      write: false
    });
  });
});

describe('LockAction', () => {
  beforeEach(() => lockApi.mockReset());

  it('sets the lock in the open notebook, saves it and tells the user', async () => {
    const notebook = new FakeNotebook();
    notebook.metadata.containerize = { other: 1 };
    notebook.metadata.kernelspec = { name: 'python3' };
    const notified: ILockResult[] = [];
    lockApi.mockResolvedValue(ANSWER);
    const action = new LockAction(
      'a.ipynb',
      () => ({ kernelId: 'k-1', target: notebook }),
      trans,
      result => notified.push(result)
    );
    await action.run();
    expect(lockApi).toHaveBeenCalledWith({
      path: 'a.ipynb',
      kernel_id: 'k-1',
      hashes: true,
      write: false
    });
    expect(notebook.metadata).toEqual({
      containerize: { other: 1, lock: LOCK },
      kernelspec: { name: 'python3' }
    });
    expect(notebook.saves).toBe(1);
    expect(notified).toEqual([ANSWER]);
    expect(action.result).toBe(ANSWER);
    expect(action.error).toBeNull();
    expect(action.isRunning).toBe(false);
  });

  it('refuses a notebook that is not open, without asking the server', async () => {
    const action = new LockAction(
      'a.ipynb',
      () => ({ kernelId: null, target: null }),
      trans,
      () => undefined
    );
    await action.run();
    expect(lockApi).not.toHaveBeenCalled();
    expect(action.error?.code).toBe('notebook-not-open');
  });

  it("keeps the server's error and leaves the notebook as it was", async () => {
    const notebook = new FakeNotebook();
    lockApi.mockRejectedValue(new Error('boom'));
    const action = new LockAction(
      'a.ipynb',
      () => ({ kernelId: null, target: notebook }),
      trans,
      () => undefined
    );
    await action.run();
    expect(action.error?.message).toBe('boom');
    expect(notebook.metadata).toEqual({});
    expect(notebook.saves).toBe(0);
  });
});
