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
import { Task } from './task';
import { IBuildRecord } from './types';

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
  ) {
    this._starting.changed.connect(() => this._changed.emit(), this);
  }

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
    return this._starting.isRunning;
  }

  get isRunning(): boolean {
    return this.isStarting || (!!this._session && !this._session.isFinished);
  }

  /**
   * A hub API token for a BinderHub behind a login: kept in memory for this page only, sent with
   * each build, never written to the settings or shown.
   */
  get hubToken(): string {
    return this._hubToken;
  }

  set hubToken(value: string) {
    if (value !== this._hubToken) {
      this._hubToken = value;
      this._changed.emit();
    }
  }

  /** Why the build could not start (or be cancelled). */
  get error(): ResponseError | null {
    return this._starting.error;
  }

  async start(prebuild: boolean): Promise<void> {
    if (this.isRunning) {
      return;
    }
    this._prebuild = prebuild;
    await this._starting.execute(async () => {
      const record = await startBinderBuild(
        binderBuildRequest(
          this._path,
          prebuild,
          this._binderhubUrl(),
          this._hubToken
        )
      );
      this._follow(
        new BuildSession({
          id: record.id,
          path: this._path,
          record,
          endpoints: BINDERHUB_BUILDS
        })
      );
      return record;
    });
  }

  async cancel(): Promise<void> {
    if (!this._session || this._session.isFinished) {
      return;
    }
    try {
      await this._session.cancel();
    } catch (error) {
      this._starting.fail(asResponseError(error));
    }
  }

  dispose(): void {
    this._session?.dispose();
    this._starting.dispose();
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
  private _hubToken = '';
  private _starting = new Task<IBuildRecord>({ supersede: false });
}
