/**
 * A BinderHub build of the notebook's commit-pinned Binder link, from the panel:
 * `POST /containerize/binder/builds` starts it, a BuildSession polls
 * `GET /containerize/binder/builds/{id}?since=N` (records shaped like image builds'), and
 * `DELETE` cancels it. "Pre-build" asks BinderHub to build only; "Build and launch" also starts
 * one session, whose URL (with its token) is in the result only.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { cancelBinderBuild, getBinderBuild, startBinderBuild } from './api';
import { binderBuildRequest } from './binderHubEvents';
import { BuildSession, IBuildEndpoints } from './buildSession';
import { asResponseError, ResponseError } from './request';

/** `/containerize/binder/builds`: what a BinderHub build's session polls and cancels. */
export const BINDERHUB_BUILDS: IBuildEndpoints = {
  get: getBinderBuild,
  cancel: cancelBinderBuild
};

/** The notebook's BinderHub build: starting, following, cancelling. */
export class BinderHubBuild {
  constructor(
    private readonly _path: string,
    /** Empty: the server's BinderHub (the admin's). */
    private readonly _binderhubUrl: () => string
  ) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get session(): BuildSession | null {
    return this._session;
  }

  /** Whether the build asked for is a pre-build (build only), else build and launch. */
  get prebuild(): boolean {
    return this._prebuild;
  }

  get isStarting(): boolean {
    return this._starting;
  }

  get isRunning(): boolean {
    return this._starting || (!!this._session && !this._session.isFinished);
  }

  /** Why the build could not start. */
  get error(): ResponseError | null {
    return this._error;
  }

  async start(prebuild: boolean): Promise<void> {
    if (this.isRunning) {
      return;
    }
    this._starting = true;
    this._prebuild = prebuild;
    this._error = null;
    this._changed.emit();
    try {
      const record = await startBinderBuild(
        binderBuildRequest(this._path, prebuild, this._binderhubUrl())
      );
      this._follow(
        new BuildSession({
          id: record.id,
          path: this._path,
          record,
          endpoints: BINDERHUB_BUILDS
        })
      );
    } catch (error) {
      this._error = asResponseError(error);
    } finally {
      this._starting = false;
      this._changed.emit();
    }
  }

  async cancel(): Promise<void> {
    if (!this._session || this._session.isFinished) {
      return;
    }
    try {
      await this._session.cancel();
    } catch (error) {
      this._error = asResponseError(error);
      this._changed.emit();
    }
  }

  dispose(): void {
    this._session?.dispose();
    Signal.clearData(this);
  }

  private _follow(session: BuildSession): void {
    this._session?.dispose();
    this._session = session;
    session.changed.connect(() => this._changed.emit(), this);
  }

  private _changed = new Signal<this, void>(this);
  private _session: BuildSession | null = null;
  private _prebuild = true;
  private _starting = false;
  private _error: ResponseError | null = null;
}
