/**
 * One async action's state (running, failed, done with a result), for every action the panel
 * runs: inspect, lock, share on Binder, download the context. In the spirit of jupyterlab-git's
 * TaskHandler: one helper instead of a state machine per action.
 *
 * A newer run supersedes an older one: the older run's answer (or failure) is dropped, so a
 * stale request never overwrites a newer one, and its AbortSignal fires.
 */
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { asResponseError, ResponseError } from './request';

export class Task<T> implements IDisposable {
  /** `supersede`: a run while one runs starts anew (default); false: it is ignored. */
  constructor(options: { supersede?: boolean } = {}) {
    this._supersede = options.supersede ?? true;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  get isRunning(): boolean {
    return this._controller !== null;
  }

  /** The last run's failure, or null. */
  get error(): ResponseError | null {
    return this._error;
  }

  /** The last successful run's answer, or null. */
  get result(): T | null {
    return this._result;
  }

  /** How many runs were started: the generation of the current one. */
  get generation(): number {
    return this._generation;
  }

  /**
   * Runs `work`; answers true when this run's outcome was kept (not superseded, not ignored,
   * not disposed). `clear: true` drops the last result when the run starts.
   */
  async execute(
    work: (signal: AbortSignal) => Promise<T>,
    options: { clear?: boolean } = {}
  ): Promise<boolean> {
    if (this._isDisposed || (this._controller && !this._supersede)) {
      return false;
    }
    this._controller?.abort();
    const controller = new AbortController();
    this._controller = controller;
    const generation = ++this._generation;
    this._error = null;
    if (options.clear) {
      this._result = null;
    }
    this._emit();
    let value: T | undefined;
    let error: ResponseError | null = null;
    try {
      value = await work(controller.signal);
    } catch (reason) {
      error = asResponseError(reason);
    }
    if (this._isDisposed || generation !== this._generation) {
      return false; // superseded: a newer run owns the state
    }
    this._controller = null;
    if (error) {
      this._error = error;
    } else {
      this._result = value as T;
    }
    this._emit();
    return error === null;
  }

  /** Forgets the result and the error, and drops the answer of a run in flight. */
  reset(): void {
    this._controller?.abort();
    this._controller = null;
    this._generation++;
    this._result = null;
    this._error = null;
    this._emit();
  }

  /** Sets the state from outside (a failure found before any request, say). */
  fail(error: ResponseError): void {
    this._error = error;
    this._emit();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._controller?.abort();
    this._controller = null;
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _isDisposed = false;
  private _supersede: boolean;
  private _controller: AbortController | null = null;
  private _generation = 0;
  private _result: T | null = null;
  private _error: ResponseError | null = null;
}
