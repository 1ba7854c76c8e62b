/**
 * The state of the panel for one notebook: its inspected environment, the user's edits, the build
 * options and the current build. Widgets render it and call its methods; it calls the REST API.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { inspectFolder, inspectNotebook, startBuild } from './api';
import { BinderHubBuild } from './binderHubBuild';
import { BinderShare } from './binderShare';
import {
  applyOptionsPatch,
  initialOptions,
  IPanelOptions,
  optionsProblem,
  toBuildOptions
} from './buildOptions';
import { BuildSession } from './buildSession';
import { BuildStore, SavedOptions } from './buildStore';
import { ContextDownload } from './contextDownload';
import { KernelRecording } from './kernelRecord';
import { ILockTarget, LockAction } from './notebookLock';
import { BuildNotifier, notifyLocked } from './notifications';
import { projectBuildRequest } from './projectBuild';
import { asResponseError, IFixAction, ResponseError } from './request';
import { IContainerizeSettings } from './settings';
import {
  applyEdits,
  canonicalName,
  IAddedPackage,
  ISpecEdits,
  NO_EDITS
} from './specEdits';
import { INotebookCells } from './serveCells';
import { Task } from './task';
import { BuildTarget, IBuildRecord, IEnvironmentSpec } from './types';

export class ContainerizeModel implements IDisposable {
  constructor(options: ContainerizeModel.IOptions) {
    this.path = options.path;
    this.isProject = options.project ?? false;
    this._kernelIdFor = options.kernelIdFor;
    this._lockTargetFor = options.lockTargetFor;
    this._settings = options.settings;
    this._store = options.store;
    this._trans = options.trans;
    this._showPanel = options.showPanel;
    this._cellsFor = options.notebookCellsFor ?? (() => null);
    this._options = initialOptions(this.path, this._settings());
    void this._restoreOptions();
    this.binder = new BinderShare(this.path, () => ({
      kernelId: this._kernelIdFor(this.path),
      binderhubUrl: this._settings().binderhubUrl
    }));
    this.binder.changed.connect(this._onPartChanged, this);
    this.binderHub = new BinderHubBuild(
      this.path,
      () => this._settings().binderhubUrl
    );
    this.binderHub.changed.connect(this._onPartChanged, this);
    this.lock = new LockAction(
      this.path,
      () => ({
        kernelId: this._kernelIdFor(this.path),
        target: this._lockTargetFor(this.path)
      }),
      this._trans,
      notifyLocked(this._trans)
    );
    this.lock.changed.connect(this._onPartChanged, this);
    this.context = new ContextDownload(this.path, () => ({
      spec: this.effectiveSpec,
      options: this._options,
      kernelId: this._kernelIdFor(this.path)
    }));
    this.context.changed.connect(this._onPartChanged, this);
    this.recording = new KernelRecording(() => this._settings().recordKernel);
    this.recording.changed.connect(this._onPartChanged, this);
    this.inspection.changed.connect(this._onPartChanged, this);
    this._starting.changed.connect(this._onPartChanged, this);
  }

  /** The inspection: its answer is the spec; a newer one drops an older one's answer. */
  readonly inspection = new Task<IEnvironmentSpec>();

  /** The notebook (or a project's folder), relative to the server's root. */
  readonly path: string;

  /** A folder of notebooks built into one image: no kernel, no inspection, no spec. */
  readonly isProject: boolean;

  /** What the notebook's kernel touches (files, programs, modules), recorded in the kernel. */
  readonly recording: KernelRecording;

  /** The Binder target: binder/ files and a launch link instead of an image. */
  readonly binder: BinderShare;

  /** Pre-builds (or builds and launches) the Binder link on a BinderHub. */
  readonly binderHub: BinderHubBuild;

  /** Locks the environment into the open notebook's metadata. */
  readonly lock: LockAction;

  /** The build context as a download: for building elsewhere when no engine answers here. */
  readonly context: ContextDownload;

  /** The open notebook's cells (the serve contract tags them), or null when it is not open. */
  get cells(): INotebookCells | null {
    return this.isProject ? null : this._cellsFor(this.path);
  }

  /** The BinderHub the user's settings name; empty: the server's (the admin's). */
  get binderhubSetting(): string {
    return this._settings().binderhubUrl;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Emitted once, when the model is disposed (its document closed). */
  get disposed(): ISignal<this, void> {
    return this._disposed;
  }

  /** The model's key among the page's models: a folder's ends with a slash. */
  get key(): string {
    return ContainerizeModel.keyOf(this.path, this.isProject);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The kernel the last inspection asked, or null when the notebook had none running. */
  get kernelId(): string | null {
    return this._kernelId;
  }

  get spec(): IEnvironmentSpec | null {
    return this.inspection.result;
  }

  get isInspecting(): boolean {
    return this.inspection.isRunning;
  }

  get inspectError(): ResponseError | null {
    return this.inspection.error;
  }

  get edits(): ISpecEdits {
    return this._edits;
  }

  get options(): IPanelOptions {
    return this._options;
  }

  /** The spec a build would get: the inspected one with the user's edits. */
  get effectiveSpec(): IEnvironmentSpec | null {
    const spec = this.spec;
    if (!spec) {
      return null;
    }
    const edited = applyEdits(spec, this._edits);
    // The server reads suggestions as advice only: what the user added is in `packages`.
    return edited.suggestions ? { ...edited, suggestions: [] } : edited;
  }

  /** A build this model followed ended (done, failed or cancelled; not one the server lost). */
  get buildFinished(): ISignal<this, BuildSession> {
    return this._buildFinished;
  }

  get build(): BuildSession | null {
    return this._build;
  }

  get isStartingBuild(): boolean {
    return this._starting.isRunning;
  }

  get buildError(): ResponseError | null {
    return this._starting.error;
  }

  /** The fixes applied so far (their patches go with every build), in order. */
  get appliedFixes(): ReadonlyArray<IFixAction> {
    return this._fixes;
  }

  /** Why a build cannot start now, or null. */
  get buildBlocker(): string | null {
    if (!this.spec && !this.isProject) {
      return this._trans.__('Inspect the notebook first.');
    }
    if (this._build && !this._build.isFinished) {
      return this._trans.__('A build is running.');
    }
    return optionsProblem(this._options, this._trans);
  }

  /** Inspects unless an inspection ran or runs already. */
  ensureInspected(): void {
    const task = this.inspection;
    if (!task.result && !task.isRunning && !task.error && !this._isDisposed) {
      void this.inspect();
    }
  }

  /**
   * Asks the server for the notebook's environment, through its running kernel when it has one.
   * A call while one runs starts anew: the older answer is dropped when it comes.
   */
  async inspect(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    if (this.isProject) {
      // The union of its notebooks' specs: shown, never sent (a folder's build inspects them).
      await this.inspection.execute(signal => inspectFolder(this.path, signal));
      return;
    }
    const kernelId = this._kernelIdFor(this.path);
    this._kernelId = kernelId;
    void this.recording.sync(kernelId);
    await this.inspection.execute(signal =>
      inspectNotebook(this.path, kernelId, signal)
    );
  }

  /**
   * Follows an open notebook's session: a new kernel, or the end of a restart, inspects again
   * (when the notebook was inspected before) and re-arms the recording.
   */
  watchSession(session: ISessionContext): void {
    if (this._sessions.has(session) || this._isDisposed) {
      return;
    }
    this._sessions.add(session);
    this.recording.watch(session);
    // A restart may pass through other statuses ("starting", "busy") before it is idle again.
    let restarting = false;
    let pending = false;
    const reinspect = () => {
      pending = false;
      restarting = false;
      if (this.inspection.generation > 0) {
        void this.inspect();
      }
    };
    session.kernelChanged.connect(() => {
      // A new kernel answers once it is idle; inspect then.
      pending = true;
      if (session.kernelDisplayStatus === 'idle') {
        reinspect();
      }
    }, this);
    session.statusChanged.connect((_, status) => {
      if (status === 'restarting' || status === 'autorestarting') {
        restarting = true;
      } else if (status === 'idle' && (restarting || pending)) {
        reinspect();
      }
    }, this);
  }

  removePackage(name: string): void {
    const key = canonicalName(name);
    const added = this._edits.added.filter(p => canonicalName(p.name) !== key);
    if (added.length !== this._edits.added.length) {
      this._edit({ added });
    } else if (!this._edits.removed.includes(key)) {
      this._edit({ removed: [...this._edits.removed, key] });
    }
  }

  restorePackage(name: string): void {
    const key = canonicalName(name);
    this._edit({ removed: this._edits.removed.filter(n => n !== key) });
  }

  /** Sets a package's exact version; an empty version undoes an earlier repin. */
  repinPackage(name: string, version: string): void {
    const key = canonicalName(name);
    if (this._edits.added.some(p => canonicalName(p.name) === key)) {
      const added = this._edits.added.map(p =>
        canonicalName(p.name) === key ? { ...p, version: version || null } : p
      );
      this._edit({ added });
      return;
    }
    const pins = { ...this._edits.pins };
    if (version) {
      pins[key] = version;
    } else {
      delete pins[key];
    }
    this._edit({ pins });
  }

  addPackage(pkg: IAddedPackage): void {
    const key = canonicalName(pkg.name);
    const inspected = this.spec?.packages.find(
      p => canonicalName(p.name) === key
    );
    if (inspected) {
      this.restorePackage(pkg.name);
      if (pkg.version) {
        this.repinPackage(pkg.name, pkg.version);
      }
      return;
    }
    const added = this._edits.added.filter(p => canonicalName(p.name) !== key);
    this._edit({ added: [...added, pkg] });
  }

  addAptPackage(name: string): void {
    const trimmed = name.trim();
    if (!trimmed) {
      return;
    }
    this._edit({
      addedApt: this._edits.addedApt.includes(trimmed)
        ? this._edits.addedApt
        : [...this._edits.addedApt, trimmed],
      removedApt: this._edits.removedApt.filter(n => n !== trimmed)
    });
  }

  removeAptPackage(name: string): void {
    this._edit({
      addedApt: this._edits.addedApt.filter(n => n !== name),
      removedApt: this.spec?.apt_packages.includes(name)
        ? [...this._edits.removedApt, name]
        : this._edits.removedApt
    });
  }

  setEnv(name: string, value: string): void {
    this._edit({ env: { ...this._edits.env, [name]: value } });
  }

  removeEnv(name: string): void {
    const env = { ...this._edits.env };
    const spec = this.spec;
    if (spec && name in spec.env) {
      env[name] = null;
    } else {
      delete env[name];
    }
    this._edit({ env });
  }

  /** Includes or leaves out a data file or a local module (by path). */
  setPathIncluded(path: string, included: boolean): void {
    const rest = this._edits.excludedPaths.filter(p => p !== path);
    this._edit({ excludedPaths: included ? rest : [...rest, path] });
  }

  resetEdits(): void {
    this._edits = NO_EDITS;
    this._changed.emit();
  }

  setOption<K extends keyof IPanelOptions>(
    key: K,
    value: IPanelOptions[K]
  ): void {
    let options = { ...this._options, [key]: value };
    if (key === 'target' && value !== this._options.target) {
      // A tag typed for one target is not the next target's: each keeps its own.
      this._tags[this._options.target] = this._options.tag;
      options = { ...options, tag: this._tags[value as BuildTarget] ?? '' };
    }
    this._setOptions(options);
  }

  /** Applies a fix the server offered (its patch to the build options) and builds again. */
  async applyFix(action: IFixAction): Promise<void> {
    const { options, rest } = applyOptionsPatch(
      this._options,
      action.options_patch
    );
    this._setOptions(options, false);
    if (Object.keys(rest).length) {
      this._fixes = [...this._fixes.filter(f => f.id !== action.id), action];
    }
    this._changed.emit();
    await this.startBuild();
  }

  /** New options, kept for this document across a reload. */
  private _setOptions(options: IPanelOptions, emit = true): void {
    this._options = options;
    this._optionsTouched = true;
    const saved: SavedOptions = { ...options };
    void this._store.rememberOptions(this.key, saved).catch(() => undefined);
    if (emit) {
      this._changed.emit();
    }
  }

  /** The options last set for this document (a reload), unless the user changed some already. */
  private async _restoreOptions(): Promise<void> {
    let saved: SavedOptions | null = null;
    try {
      saved = await this._store.optionsFor(this.key);
    } catch {
      return;
    }
    if (!saved || this._optionsTouched || this._isDisposed) {
      return;
    }
    const options: { [key: string]: unknown } = { ...this._options };
    for (const [key, value] of Object.entries(saved)) {
      // Only options this panel has, of the same type: an older or edited entry is ignored.
      if (key in options && typeof options[key] === typeof value) {
        options[key] = value;
      }
    }
    if (this.isProject) {
      options.target = 'notebook';
    }
    this._options = options as unknown as IPanelOptions;
    this._changed.emit();
  }

  /** Stops sending the patch of an applied fix. */
  removeFix(id: string): void {
    this._fixes = this._fixes.filter(f => f.id !== id);
    this._changed.emit();
  }

  /** Sends the build request and follows the build. */
  async startBuild(): Promise<void> {
    const spec = this.effectiveSpec;
    if ((!spec && !this.isProject) || this.buildBlocker) {
      return;
    }
    await this._starting.execute(async () => {
      // The build reads the notebook's file: what the user sees (cells, outputs to verify
      // against) is saved first.
      const open = this.isProject ? null : this._lockTargetFor(this.path);
      if (open?.isDirty?.()) {
        await open.save();
      }
      // A folder's spec is shown only: its build inspects the notebooks and takes no spec.
      const request =
        spec && !this.isProject
          ? {
              path: this.path,
              spec,
              options: toBuildOptions(this._options, this.path)
            }
          : projectBuildRequest(this.path, this._options);
      for (const fix of this._fixes) {
        const { rest } = applyOptionsPatch(this._options, fix.options_patch);
        Object.assign(request.options, rest);
      }
      const record = await startBuild(request);
      await this._store.rememberBuild(this.path, record.id);
      if (!this._isDisposed) {
        this._follow(
          new BuildSession({ id: record.id, path: this.path, record })
        );
      }
      return record;
    });
  }

  async cancelBuild(): Promise<void> {
    if (!this._build || this._build.isFinished) {
      return;
    }
    try {
      await this._build.cancel();
    } catch (error) {
      this._starting.fail(asResponseError(error));
    }
  }

  /** Finds the notebook's last build again, running or finished (after a reload, say). */
  async resumeBuild(): Promise<void> {
    if (this._build) {
      return;
    }
    const id =
      (await this._store.buildFor(this.path)) ??
      (await this._store.runningBuildFor(this.path));
    if (!id || this._build) {
      return;
    }
    const session = new BuildSession({ id, path: this.path });
    await session.refresh();
    if (session.isLost) {
      session.dispose();
      await this._store.forgetBuild(this.path, id);
      return;
    }
    this._follow(session, !session.isFinished);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._disposed.emit();
    this.inspection.dispose();
    this._starting.dispose();
    this._notifier?.detach();
    this._build?.dispose();
    this.binder.dispose();
    this.binderHub.dispose();
    this.lock.dispose();
    this.context.dispose();
    this.recording.dispose();
    Signal.clearData(this);
  }

  private _follow(session: BuildSession, notify = true): void {
    // One notification per document: the last build's replaces the one before.
    this._notifier?.close();
    this._build?.dispose();
    this._build = session;
    this._notifier = notify
      ? new BuildNotifier(session, this._trans, this._showPanel)
      : null;
    session.changed.connect(this._onBuildChanged, this);
    session.finished.connect(this._onBuildFinished, this);
    this._changed.emit();
  }

  private _onPartChanged(): void {
    this._changed.emit();
  }

  private _onBuildChanged(): void {
    this._changed.emit();
  }

  private _onBuildFinished(session: BuildSession): void {
    if (session.isLost) {
      void this._store.forgetBuild(this.path, session.id);
      return;
    }
    this._buildFinished.emit(session);
  }

  private _edit(change: Partial<ISpecEdits>): void {
    this._edits = { ...this._edits, ...change };
    this._changed.emit();
  }

  private _buildFinished = new Signal<this, BuildSession>(this);
  private _changed = new Signal<this, void>(this);
  private _disposed = new Signal<this, void>(this);
  private _isDisposed = false;
  private _kernelIdFor: (path: string) => string | null;
  private _lockTargetFor: (path: string) => ILockTarget | null;
  private _optionsTouched = false;
  private _settings: () => IContainerizeSettings;
  private _store: BuildStore;
  private _trans: TranslationBundle;
  private _showPanel: () => void;
  private _cellsFor: (path: string) => INotebookCells | null;
  private _kernelId: string | null = null;
  private _sessions = new WeakSet<ISessionContext>();
  private _tags: Partial<Record<BuildTarget, string>> = {};
  private _fixes: IFixAction[] = [];
  private _starting = new Task<IBuildRecord>({ supersede: false });
  private _edits: ISpecEdits = NO_EDITS;
  private _options: IPanelOptions;
  private _build: BuildSession | null = null;
  private _notifier: BuildNotifier | null = null;
}

export namespace ContainerizeModel {
  /** The key of a notebook's or a folder's model: the trailing slash keeps them apart. */
  export function keyOf(path: string, project: boolean): string {
    return project ? `${path}/` : path;
  }

  export interface IOptions {
    path: string;
    /** The id of the kernel running the notebook now, or null. */
    kernelIdFor: (path: string) => string | null;
    settings: () => IContainerizeSettings;
    store: BuildStore;
    trans: TranslationBundle;
    /** Reveals the panel (notification actions use it). */
    showPanel: () => void;
    /** The notebook's open widget, for the lock; null when it is not open. */
    lockTargetFor: (path: string) => ILockTarget | null;
    /** `path` is a folder: a project build. */
    project?: boolean;
    /** The open notebook's cells, for the serve contract; null when it is not open. */
    notebookCellsFor?: (path: string) => INotebookCells | null;
  }
}
