/**
 * The state of the panel for one notebook: its inspected environment, the user's edits, the build
 * options and the current build. Widgets render it and call its methods; it calls the REST API.
 */
import { TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { inspectNotebook, startBuild } from './api';
import { BinderHubBuild } from './binderHubBuild';
import { BinderShare } from './binderShare';
import {
  initialOptions,
  IPanelOptions,
  optionsProblem,
  toBuildOptions
} from './buildOptions';
import { BuildSession } from './buildSession';
import { BuildStore } from './buildStore';
import { ContextDownload } from './contextDownload';
import { KernelRecording } from './kernelRecord';
import { ILockTarget, LockAction } from './notebookLock';
import { BuildNotifier, notifyLocked } from './notifications';
import { projectBuildRequest } from './projectBuild';
import { asResponseError, ResponseError } from './request';
import { IContainerizeSettings } from './settings';
import {
  applyEdits,
  canonicalName,
  IAddedPackage,
  ISpecEdits,
  NO_EDITS
} from './specEdits';
import { IEnvironmentSpec } from './types';

export class ContainerizeModel implements IDisposable {
  constructor(options: ContainerizeModel.IOptions) {
    this.path = options.path;
    this.isProject = options.project ?? false;
    this._kernelIdFor = options.kernelIdFor;
    this._settings = options.settings;
    this._store = options.store;
    this._trans = options.trans;
    this._showPanel = options.showPanel;
    this._options = initialOptions(this.path, this._settings());
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
        target: options.lockTargetFor(this.path)
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
  }

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

  /** The BinderHub the user's settings name; empty: the server's (the admin's). */
  get binderhubSetting(): string {
    return this._settings().binderhubUrl;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The kernel the last inspection asked, or null when the notebook had none running. */
  get kernelId(): string | null {
    return this._kernelId;
  }

  get spec(): IEnvironmentSpec | null {
    return this._spec;
  }

  get isInspecting(): boolean {
    return this._inspecting;
  }

  get inspectError(): ResponseError | null {
    return this._inspectError;
  }

  get edits(): ISpecEdits {
    return this._edits;
  }

  get options(): IPanelOptions {
    return this._options;
  }

  /** The spec a build would get: the inspected one with the user's edits. */
  get effectiveSpec(): IEnvironmentSpec | null {
    return this._spec ? applyEdits(this._spec, this._edits) : null;
  }

  get build(): BuildSession | null {
    return this._build;
  }

  get isStartingBuild(): boolean {
    return this._startingBuild;
  }

  get buildError(): ResponseError | null {
    return this._buildError;
  }

  /** Why a build cannot start now, or null. */
  get buildBlocker(): string | null {
    if (!this._spec && !this.isProject) {
      return this._trans.__('Inspect the notebook first.');
    }
    if (this._build && !this._build.isFinished) {
      return this._trans.__('A build is running.');
    }
    return optionsProblem(this._options, this._trans);
  }

  /** Inspects unless an inspection ran or runs already. */
  ensureInspected(): void {
    if (
      !this._spec &&
      !this._inspecting &&
      !this._inspectError &&
      !this.isProject
    ) {
      void this.inspect();
    }
  }

  /** Asks the server for the notebook's environment, through its running kernel when it has one. */
  async inspect(): Promise<void> {
    if (this._inspecting || this.isProject) {
      return;
    }
    this._inspecting = true;
    this._inspectError = null;
    this._kernelId = this._kernelIdFor(this.path);
    void this.recording.sync(this._kernelId);
    this._changed.emit();
    try {
      this._spec = await inspectNotebook(this.path, this._kernelId);
    } catch (error) {
      this._inspectError = asResponseError(error);
    } finally {
      this._inspecting = false;
      if (!this._isDisposed) {
        this._changed.emit();
      }
    }
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
    const inspected = this._spec?.packages.find(
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
      removedApt: this._spec?.apt_packages.includes(name)
        ? [...this._edits.removedApt, name]
        : this._edits.removedApt
    });
  }

  setEnv(name: string, value: string): void {
    this._edit({ env: { ...this._edits.env, [name]: value } });
  }

  removeEnv(name: string): void {
    const env = { ...this._edits.env };
    if (this._spec && name in this._spec.env) {
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
    this._options = { ...this._options, [key]: value };
    this._changed.emit();
  }

  /** Sends the build request and follows the build. */
  async startBuild(): Promise<void> {
    const spec = this.effectiveSpec;
    if (
      (!spec && !this.isProject) ||
      this.buildBlocker ||
      this._startingBuild
    ) {
      return;
    }
    this._startingBuild = true;
    this._buildError = null;
    this._changed.emit();
    try {
      const record = await startBuild(
        spec
          ? {
              path: this.path,
              spec,
              options: toBuildOptions(this._options, this.path)
            }
          : projectBuildRequest(this.path, this._options)
      );
      await this._store.rememberBuild(this.path, record.id);
      this._follow(
        new BuildSession({ id: record.id, path: this.path, record })
      );
    } catch (error) {
      this._buildError = asResponseError(error);
    } finally {
      this._startingBuild = false;
      if (!this._isDisposed) {
        this._changed.emit();
      }
    }
  }

  async cancelBuild(): Promise<void> {
    if (!this._build || this._build.isFinished) {
      return;
    }
    try {
      await this._build.cancel();
    } catch (error) {
      this._buildError = asResponseError(error);
      this._changed.emit();
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
    this._notifier?.dispose();
    this._build?.dispose();
    this.binder.dispose();
    this.binderHub.dispose();
    this.lock.dispose();
    this.context.dispose();
    this.recording.dispose();
    Signal.clearData(this);
  }

  private _follow(session: BuildSession, notify = true): void {
    this._notifier?.dispose();
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
    }
  }

  private _edit(change: Partial<ISpecEdits>): void {
    this._edits = { ...this._edits, ...change };
    this._changed.emit();
  }

  private _changed = new Signal<this, void>(this);
  private _isDisposed = false;
  private _kernelIdFor: (path: string) => string | null;
  private _settings: () => IContainerizeSettings;
  private _store: BuildStore;
  private _trans: TranslationBundle;
  private _showPanel: () => void;
  private _kernelId: string | null = null;
  private _spec: IEnvironmentSpec | null = null;
  private _inspecting = false;
  private _inspectError: ResponseError | null = null;
  private _edits: ISpecEdits = NO_EDITS;
  private _options: IPanelOptions;
  private _build: BuildSession | null = null;
  private _notifier: BuildNotifier | null = null;
  private _startingBuild = false;
  private _buildError: ResponseError | null = null;
}

export namespace ContainerizeModel {
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
  }
}
