/**
 * Whether the server extension answers: `GET /containerize/info` at start, again on demand.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { getServerInfo } from './api';
import { asResponseError, ResponseError } from './request';
import { IServerInfo } from './types';

/** The spec_version this panel reads (docs/spec.md). */
export const SUPPORTED_SPEC_VERSION = 1;

export type ServerState = 'checking' | 'ready' | 'missing' | 'unreachable';

export class ServerStatus {
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get state(): ServerState {
    return this._state;
  }

  get info(): IServerInfo | null {
    return this._info;
  }

  get error(): ResponseError | null {
    return this._error;
  }

  /** True when the server writes a spec this panel does not know. */
  get specVersionMismatch(): boolean {
    return (
      this._info !== null && this._info.spec_version !== SUPPORTED_SPEC_VERSION
    );
  }

  async check(): Promise<void> {
    this._state = 'checking';
    this._changed.emit();
    try {
      this._info = await getServerInfo();
      this._error = null;
      this._state = 'ready';
    } catch (error) {
      this._info = null;
      this._error = asResponseError(error);
      this._state = this._error.status === 404 ? 'missing' : 'unreachable';
    }
    this._changed.emit();
  }

  private _changed = new Signal<this, void>(this);
  private _state: ServerState = 'checking';
  private _info: IServerInfo | null = null;
  private _error: ResponseError | null = null;
}
