/**
 * The per-document model and the page's models, through a mocked request layer (as
 * jupyterlab-git tests its model): no server, the API's answers scripted per test.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { Signal } from '@lumino/signaling';

import * as api from '../api';
import { BuildStore } from '../buildStore';
import { DocumentModels, IDocumentWidget } from '../documentModels';
import { ContainerizeModel } from '../model';
import { ResponseError } from '../request';
import { DEFAULT_SETTINGS } from '../settings';
import { IBuildRecord, IEnvironmentSpec } from '../types';

jest.mock('../api', () => ({
  inspectNotebook: jest.fn(),
  inspectFolder: jest.fn(),
  startBuild: jest.fn(),
  getBuild: jest.fn(),
  cancelBuild: jest.fn(),
  listBuilds: jest.fn(async () => []),
  startRecording: jest.fn(async () => ({ recording: true })),
  getRecording: jest.fn(async () => ({ recording: true }))
}));

// Notifications are the shell's: a build here notifies nobody.
jest.mock('../notifications', () => ({
  BuildNotifier: class {
    dispose(): void {
      /* nothing shown */
    }
    close(): void {
      /* nothing shown */
    }
    detach(): void {
      /* nothing shown */
    }
  },
  notifyLocked: () => () => undefined
}));

const inspectApi = api.inspectNotebook as unknown as jest.Mock;
const inspectFolderApi = api.inspectFolder as unknown as jest.Mock;
const startApi = api.startBuild as unknown as jest.Mock;
const getApi = api.getBuild as unknown as jest.Mock;

const trans = {
  __: (msgid: string) => msgid,
  _n: (one: string) => one
} as unknown as TranslationBundle;

function spec(path: string, python = '3.11.2'): IEnvironmentSpec {
  return {
    spec_version: 1,
    source: 'kernel',
    notebook: {
      path,
      sha256: '',
      kernel_name: 'python3',
      language: 'python',
      cell_count: 1
    },
    python: {
      version: python,
      implementation: 'CPython',
      executable: '/usr/bin/python3',
      is_venv: true,
      is_conda: false
    },
    platform: { system: 'Linux', machine: 'x86_64', libc: 'glibc' },
    packages: [],
    frontend_packages: [],
    imports: [],
    local_modules: [],
    files: [],
    install_commands: [],
    apt_packages: [],
    env: {},
    gpu: { frameworks: [], cuda_wheels: [], devices: [] },
    problems: [],
    suggestions: [{ name: 'pyarrow', version: '15.0.0', reason: 'extra' }]
  };
}

/** A promise the test resolves when it wants. */
function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

let kernels: { [path: string]: string | null };

function makeModel(
  path: string,
  project = false,
  settings = DEFAULT_SETTINGS
): ContainerizeModel {
  return new ContainerizeModel({
    path,
    project,
    kernelIdFor: p => kernels[p] ?? null,
    settings: () => settings,
    store: new BuildStore(null),
    trans,
    showPanel: () => undefined,
    lockTargetFor: () => null
  });
}

/** A notebook's session: its kernel changes and restarts on the test's word. */
class FakeSession {
  kernelChanged = new Signal<this, unknown>(this);
  statusChanged = new Signal<this, string>(this);
  kernelDisplayStatus = 'idle';
  session: { kernel: { id: string } | null } = { kernel: null };
  setStatus(status: string): void {
    this.kernelDisplayStatus = status;
    this.statusChanged.emit(status);
  }
}

/** A notebook's tab. */
class FakeTab implements IDocumentWidget {
  constructor(path: string) {
    this.context = { path, pathChanged: new Signal<unknown, string>(this) };
  }
  context: { path: string; pathChanged: Signal<unknown, string> };
  sessionContext = new FakeSession() as unknown as ISessionContext;
  disposed = new Signal<unknown, void>(this);
  isDisposed = false;
  close(): void {
    this.isDisposed = true;
    this.disposed.emit();
  }
  rename(path: string): void {
    this.context.path = path;
    this.context.pathChanged.emit(path);
  }
}

const flush = () => new Promise(resolve => setTimeout(resolve, 0));

beforeEach(() => {
  jest.clearAllMocks();
  inspectApi.mockReset();
  inspectFolderApi.mockReset();
  startApi.mockReset();
  getApi.mockReset();
  kernels = {};
});

describe('ContainerizeModel inspection', () => {
  it('asks through the running kernel and keeps the spec', async () => {
    kernels['a.ipynb'] = 'k1';
    inspectApi.mockResolvedValueOnce(spec('a.ipynb'));
    const model = makeModel('a.ipynb');
    await model.inspect();
    expect(inspectApi.mock.calls[0].slice(0, 2)).toEqual(['a.ipynb', 'k1']);
    expect(model.spec?.notebook.path).toBe('a.ipynb');
    expect(model.isInspecting).toBe(false);
    expect(model.kernelId).toBe('k1');
    model.dispose();
  });

  it('never lets a stale answer overwrite a newer one', async () => {
    const first = deferred<IEnvironmentSpec>();
    const second = deferred<IEnvironmentSpec>();
    inspectApi
      .mockReturnValueOnce(first.promise)
      .mockReturnValueOnce(second.promise);
    const model = makeModel('a.ipynb');
    const one = model.inspect();
    const two = model.inspect();
    second.resolve(spec('a.ipynb', '3.12.1'));
    await two;
    first.resolve(spec('a.ipynb', '3.10.0'));
    await one;
    expect(model.spec?.python.version).toBe('3.12.1');
    // The first request was aborted when the second started.
    const firstSignal = inspectApi.mock.calls[0][2] as AbortSignal;
    expect(firstSignal.aborted).toBe(true);
    model.dispose();
  });

  it('keeps a stale failure out too', async () => {
    const first = deferred<IEnvironmentSpec>();
    inspectApi
      .mockReturnValueOnce(first.promise)
      .mockResolvedValueOnce(spec('a.ipynb'));
    const model = makeModel('a.ipynb');
    const one = model.inspect();
    await model.inspect();
    first.reject(new ResponseError(504, 'The kernel did not answer.'));
    await one;
    expect(model.inspectError).toBeNull();
    expect(model.spec).not.toBeNull();
    model.dispose();
  });

  it('shows an error, not a spinner, for a notebook that is gone', async () => {
    inspectApi.mockRejectedValueOnce(
      new ResponseError(404, 'No notebook at gone.ipynb.', 'not_found')
    );
    const model = makeModel('gone.ipynb');
    model.ensureInspected();
    await flush();
    expect(model.isInspecting).toBe(false);
    expect(model.inspectError?.message).toBe('No notebook at gone.ipynb.');
    // ensureInspected does not retry in a loop.
    model.ensureInspected();
    expect(inspectApi).toHaveBeenCalledTimes(1);
    model.dispose();
  });

  it('inspects again after a kernel change and after a restart', async () => {
    inspectApi.mockImplementation(async (path: string, kernel: string) => ({
      ...spec(path),
      source: kernel ? 'kernel' : 'static'
    }));
    const model = makeModel('a.ipynb');
    const session = new FakeSession();
    model.watchSession(session as unknown as ISessionContext);
    await model.inspect();
    expect(inspectApi).toHaveBeenCalledTimes(1);

    // A new kernel: inspected once it is idle.
    kernels['a.ipynb'] = 'k2';
    session.kernelDisplayStatus = 'starting';
    session.kernelChanged.emit({});
    expect(inspectApi).toHaveBeenCalledTimes(1);
    session.setStatus('idle');
    await flush();
    expect(inspectApi).toHaveBeenCalledTimes(2);
    expect(inspectApi.mock.calls[1][1]).toBe('k2');

    // A restart: inspected when it ends, whatever statuses it passes through.
    session.setStatus('restarting');
    session.setStatus('starting');
    expect(inspectApi).toHaveBeenCalledTimes(2);
    session.setStatus('idle');
    await flush();
    expect(inspectApi).toHaveBeenCalledTimes(3);
    model.dispose();
  });

  it('does not inspect on a kernel change before the panel asked', () => {
    const model = makeModel('a.ipynb');
    const session = new FakeSession();
    model.watchSession(session as unknown as ISessionContext);
    session.kernelChanged.emit({});
    session.setStatus('restarting');
    session.setStatus('idle');
    expect(inspectApi).not.toHaveBeenCalled();
    model.dispose();
  });

  it('drops the answer of an inspection that ends after dispose', async () => {
    const answer = deferred<IEnvironmentSpec>();
    inspectApi.mockReturnValueOnce(answer.promise);
    const model = makeModel('a.ipynb');
    const changed = jest.fn();
    model.changed.connect(changed);
    const pending = model.inspect();
    model.dispose();
    answer.resolve(spec('a.ipynb'));
    await pending;
    expect(model.spec).toBeNull();
  });
});

describe('ContainerizeModel options', () => {
  it('starts with Verify on (the setting), off when the setting says so', () => {
    expect(makeModel('a.ipynb').options.verify).toBe(true);
    expect(
      makeModel('a.ipynb', false, { ...DEFAULT_SETTINGS, verifyDefault: false })
        .options.verify
    ).toBe(false);
  });

  it('gives each target its own tag: a typed tag does not follow a change of target', () => {
    const model = makeModel('a.ipynb');
    model.setOption('tag', 'me/a:lab');
    model.setOption('target', 'serve');
    expect(model.options.tag).toBe('');
    model.setOption('tag', 'me/a:api');
    model.setOption('target', 'notebook');
    expect(model.options.tag).toBe('me/a:lab');
    model.setOption('target', 'serve');
    expect(model.options.tag).toBe('me/a:api');
  });

  it('keeps a folder model’s options apart from a notebook model’s', () => {
    const notebook = makeModel('work/a.ipynb');
    const folder = makeModel('work', true);
    folder.setOption('baseImage', 'custom');
    folder.setOption('customBaseImage', 'python:3.12-slim');
    folder.setOption('tag', 'work:all');
    folder.setOption('verify', false);
    expect(notebook.options.baseImage).toBe('auto');
    expect(notebook.options.tag).toBe('');
    expect(notebook.options.verify).toBe(true);
    expect(folder.options.tag).toBe('work:all');
    expect(folder.key).toBe('work/');
  });

  it('sends suggestions as advice only: what is installed is in packages', async () => {
    inspectApi.mockResolvedValueOnce(spec('a.ipynb'));
    const model = makeModel('a.ipynb');
    await model.inspect();
    expect(model.spec?.suggestions).toHaveLength(1);
    expect(model.effectiveSpec?.suggestions).toEqual([]);
    model.addPackage({ name: 'pyarrow', version: '15.0.0' });
    expect(model.effectiveSpec?.packages.map(p => p.name)).toContain('pyarrow');
    model.dispose();
  });
});

describe('ContainerizeModel builds', () => {
  const record = (id: string, status = 'running'): IBuildRecord =>
    ({ id, status, events: [], next: 0 }) as IBuildRecord;

  it('starts a build with the form’s options and follows it', async () => {
    inspectApi.mockResolvedValueOnce(spec('a.ipynb'));
    startApi.mockResolvedValueOnce(record('b1'));
    getApi.mockResolvedValue(record('b1'));
    const model = makeModel('a.ipynb');
    await model.inspect();
    await model.startBuild();
    const request = startApi.mock.calls[0][0];
    expect(request.path).toBe('a.ipynb');
    expect(request.options).toEqual({
      target: 'notebook',
      verify: true,
      gpu: 'auto'
    });
    expect(model.build?.id).toBe('b1');
    expect(model.buildError).toBeNull();
    model.dispose();
  });

  it('says when a build it follows ends (the panel lists environment images again)', async () => {
    inspectApi.mockResolvedValueOnce(spec('a.ipynb'));
    startApi.mockResolvedValueOnce(record('b1'));
    getApi.mockResolvedValue(record('b1'));
    const model = makeModel('a.ipynb');
    await model.inspect();
    const ended: string[] = [];
    const finished = new Promise<void>(resolve =>
      model.buildFinished.connect((_, session) => {
        ended.push(session.id);
        resolve();
      })
    );
    await model.startBuild();
    await model.build?.refresh();
    expect(ended).toEqual([]);
    getApi.mockResolvedValue(record('b1', 'succeeded'));
    await model.build?.refresh();
    await finished;
    expect(ended).toEqual(['b1']);
    model.dispose();
  });

  it('applies a fix: its patch goes into the options and the build runs again', async () => {
    inspectApi.mockResolvedValueOnce(spec('a.ipynb'));
    startApi
      .mockRejectedValueOnce(
        new ResponseError(
          400,
          'The pins need Python 3.12; the base has 3.11.',
          'python_mismatch',
          'Re-pin for the base, or pick a base with Python 3.12.',
          undefined,
          [
            {
              id: 'repin',
              label: 'Re-pin for this base',
              options_patch: { repin: true }
            },
            {
              id: 'base',
              label: 'Use python:3.12-slim',
              options_patch: { base_image: 'python:3.12-slim' }
            }
          ]
        )
      )
      .mockResolvedValueOnce(record('b2'))
      .mockResolvedValueOnce(record('b3'));
    getApi.mockResolvedValue(record('b2', 'failed'));
    const model = makeModel('a.ipynb');
    await model.inspect();
    await model.startBuild();
    expect(model.buildError?.actions.map(a => a.id)).toEqual(['repin', 'base']);

    await model.applyFix(model.buildError!.actions[0]);
    expect(startApi.mock.calls[1][0].options).toEqual({
      target: 'notebook',
      verify: true,
      gpu: 'auto',
      repin: true
    });
    expect(model.appliedFixes.map(f => f.id)).toEqual(['repin']);

    // A base image lands in the form, where the user sees it.
    await model.build?.refresh();
    await model.applyFix({
      id: 'base',
      label: 'Use python:3.12-slim',
      options_patch: { base_image: 'python:3.12-slim' }
    });
    expect(model.options.customBaseImage).toBe('python:3.12-slim');
    expect(startApi.mock.calls[2][0].options.base_image).toBe(
      'python:3.12-slim'
    );
    model.dispose();
  });

  it('saves the open notebook before its build reads the file', async () => {
    const order: string[] = [];
    let dirty = true;
    const target = {
      getMetadata: () => undefined,
      setMetadata: () => undefined,
      save: jest.fn(async () => {
        order.push('save');
        dirty = false;
      }),
      isDirty: () => dirty
    };
    inspectApi.mockResolvedValueOnce(spec('a.ipynb'));
    startApi.mockImplementation(async () => {
      order.push('build');
      return record('s1');
    });
    getApi.mockResolvedValue(record('s1'));
    const model = new ContainerizeModel({
      path: 'a.ipynb',
      kernelIdFor: () => null,
      settings: () => DEFAULT_SETTINGS,
      store: new BuildStore(null),
      trans,
      showPanel: () => undefined,
      lockTargetFor: () => target
    });
    await model.inspect();
    await model.startBuild();
    expect(order).toEqual(['save', 'build']);
    // nothing unsaved: not saved again
    await model.build?.refresh();
    model.dispose();
    expect(target.save).toHaveBeenCalledTimes(1);
  });

  it('keeps a document’s options across a reload (a new model of the same path)', async () => {
    const store = new BuildStore(null);
    const make = (path: string, project = false) =>
      new ContainerizeModel({
        path,
        project,
        kernelIdFor: () => null,
        settings: () => DEFAULT_SETTINGS,
        store,
        trans,
        showPanel: () => undefined,
        lockTargetFor: () => null
      });
    const first = make('a.ipynb');
    first.setOption('baseImage', 'custom');
    first.setOption('customBaseImage', 'localhost/test/python:3.11');
    first.setOption('tag', 'sales:try');
    await flush();
    first.dispose();

    const again = make('a.ipynb');
    await flush();
    expect(again.options.baseImage).toBe('custom');
    expect(again.options.customBaseImage).toBe('localhost/test/python:3.11');
    expect(again.options.tag).toBe('sales:try');
    // another document keeps its own (the defaults)
    const other = make('b.ipynb');
    await flush();
    expect(other.options.tag).toBe('');
    // a user who typed before the saved options came back keeps what they typed
    const typed = make('a.ipynb');
    typed.setOption('tag', 'typed');
    await flush();
    expect(typed.options.tag).toBe('typed');
    again.dispose();
    other.dispose();
    typed.dispose();
  });

  it('builds a folder without a spec', async () => {
    startApi.mockResolvedValueOnce(record('f1'));
    getApi.mockResolvedValue(record('f1'));
    const folder = makeModel('work', true);
    folder.setOption('tag', 'work:all');
    await folder.startBuild();
    expect(startApi.mock.calls[0][0]).toEqual({
      path: 'work',
      options: { target: 'notebook', verify: true, tag: 'work:all' }
    });
    expect(folder.build?.id).toBe('f1');
    folder.dispose();
  });

  it('shows a folder’s packages from its own inspection and never sends them', async () => {
    const union = spec('work');
    union.packages = [
      {
        name: 'pandas',
        version: '2.2.2',
        reason: 'imported',
        required_by: [],
        imported_as: ['pandas'],
        source: { kind: 'index' },
        portability: [],
        reproducible: true
      }
    ];
    inspectFolderApi.mockResolvedValueOnce(union);
    startApi.mockResolvedValueOnce(record('f2'));
    getApi.mockResolvedValue(record('f2'));
    const folder = makeModel('work', true);
    folder.ensureInspected();
    await flush();
    expect(inspectFolderApi).toHaveBeenCalledTimes(1);
    expect(inspectFolderApi.mock.calls[0][0]).toBe('work');
    expect(inspectApi).not.toHaveBeenCalled();
    expect(folder.spec?.packages.map(p => p.name)).toEqual(['pandas']);
    folder.ensureInspected(); // inspected once: not again
    expect(inspectFolderApi).toHaveBeenCalledTimes(1);
    await folder.startBuild();
    expect(startApi.mock.calls[0][0].spec).toBeUndefined();
    folder.dispose();
  });
});

describe('DocumentModels', () => {
  const models = () =>
    new DocumentModels(async (path, project) => makeModel(path, project));

  it('gives each document its own model, and two tabs of one notebook the same', async () => {
    const page = models();
    const a1 = new FakeTab('a.ipynb');
    const a2 = new FakeTab('a.ipynb');
    const b = new FakeTab('b.ipynb');
    const [ma1, ma2, mb] = await Promise.all([
      page.attach(a1),
      page.attach(a2),
      page.attach(b)
    ]);
    expect(ma1).toBe(ma2);
    expect(mb).not.toBe(ma1);
    expect(await page.get('b.ipynb', true)).not.toBe(mb);
    page.dispose();
  });

  it('disposes a model with the last tab of its notebook', async () => {
    const page = models();
    const a1 = new FakeTab('a.ipynb');
    const a2 = new FakeTab('a.ipynb');
    const model = await page.attach(a1);
    await page.attach(a2);
    a1.close();
    await flush();
    expect(model.isDisposed).toBe(false);
    a2.close();
    await flush();
    expect(model.isDisposed).toBe(true);
    expect(page.peek('a.ipynb')).toBeNull();
    // Opened again: a fresh model.
    const again = await page.attach(new FakeTab('a.ipynb'));
    expect(again).not.toBe(model);
    expect(again.isDisposed).toBe(false);
    page.dispose();
  });

  it('follows a rename to the model of the new path', async () => {
    const page = models();
    const tab = new FakeTab('a.ipynb');
    const before = await page.attach(tab);
    tab.rename('renamed.ipynb');
    await flush();
    await flush();
    expect(before.isDisposed).toBe(true);
    expect(page.peek('renamed.ipynb')?.path).toBe('renamed.ipynb');
    page.dispose();
  });
});

describe('BuildSession progress and failure', () => {
  it('reads one progress over the phases, and the server’s fixes of a failure', async () => {
    const { BuildSession } = await import('../buildSession');
    getApi.mockResolvedValueOnce({
      id: 'p1',
      status: 'failed',
      next: 3,
      error: {
        code: 'base_pull_failed',
        message: 'The base image cannot be pulled.',
        hint: 'Use an image the engine already has.',
        actions: [
          {
            id: 'local',
            label: 'Use python:3.11 (here)',
            options_patch: { base_image: 'python:3.11' }
          },
          { id: 'broken', label: '', options_patch: {} }
        ]
      },
      events: [
        {
          index: 0,
          kind: 'step',
          time: 0,
          message: 'a',
          step: 1,
          total: 3,
          progress: { phase: 'environment', step: 1, total: 9 }
        },
        {
          index: 1,
          kind: 'verify',
          time: 0,
          message: 'b',
          progress: { phase: 'verify', step: 8, total: 9 }
        },
        { index: 2, kind: 'log', time: 0, message: 'c' }
      ]
    });
    const session = new BuildSession({ id: 'p1', path: 'a.ipynb' });
    await session.refresh();
    expect(session.progress).toEqual({ phase: 'verify', step: 8, total: 9 });
    expect(session.failure?.message).toBe('The base image cannot be pulled.');
    expect(session.failure?.actions.map(a => a.id)).toEqual(['local']);
    session.dispose();
  });

  it('falls back to the step events of an older server', async () => {
    const { BuildSession } = await import('../buildSession');
    getApi.mockResolvedValueOnce({
      id: 'p2',
      status: 'succeeded',
      next: 1,
      events: [
        { index: 0, kind: 'step', time: 0, message: 'a', step: 2, total: 5 }
      ]
    });
    const session = new BuildSession({ id: 'p2', path: 'a.ipynb' });
    await session.refresh();
    expect(session.progress).toEqual({ phase: null, step: 2, total: 5 });
    expect(session.failure).toBeNull();
    session.dispose();
  });
});
