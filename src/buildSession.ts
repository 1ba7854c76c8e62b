/**
 * One build on the server, followed by polling `GET /containerize/builds/{id}?since=N`.
 *
 * A Lumino Poll drives it: once a second while the page is visible, standing by while it is
 * hidden, backing off when the server does not answer. Events accumulate in order; the poll
 * ends when the build reaches a final status.
 */
import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { cancelBuild, getBuild } from './api';
import {
  asResponseError,
  fixActions,
  IFixAction,
  ResponseError
} from './request';
import {
  BuildStatus,
  FINISHED_STATUSES,
  IBuildEvent,
  IBuildRecord,
  IBuildResult
} from './types';

/** At most this many events are kept in the browser; the server has them all. */
const MAX_EVENTS = 5000;

/** The endpoints a session polls and cancels through: image builds, or BinderHub builds. */
export interface IBuildEndpoints {
  get: (id: string, since: number) => Promise<IBuildRecord>;
  cancel: (id: string) => Promise<unknown>;
}

/** `/containerize/builds`: the image builds. */
export const IMAGE_BUILDS: IBuildEndpoints = {
  get: getBuild,
  cancel: cancelBuild
};

export class BuildSession implements IDisposable {
  constructor(options: BuildSession.IOptions) {
    this.id = options.id;
    this.path = options.path;
    this._record = options.record ?? null;
    this._endpoints = options.endpoints ?? IMAGE_BUILDS;
    this._localStart = Date.now();
    this._poll = new Poll({
      name: `jupyterlab-containerize:build:${this.id}`,
      factory: () => this._fetch(),
      frequency: { interval: 1000, backoff: true, max: 30 * 1000 },
      standby: 'when-hidden'
    });
  }

  readonly id: string;
  /** The notebook the build is for. */
  readonly path: string;

  /** Emitted on every poll: new events, a new status, or only time passing. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Emitted once, when the build reaches a final status or is lost. */
  get finished(): ISignal<this, void> {
    return this._finished;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  get status(): BuildStatus {
    return this._record?.status ?? 'queued';
  }

  get isFinished(): boolean {
    return this._lost !== null || FINISHED_STATUSES.includes(this.status);
  }

  get events(): ReadonlyArray<IBuildEvent> {
    return this._events;
  }

  get result(): IBuildResult | null {
    return this._record?.result ?? null;
  }

  get record(): IBuildRecord | null {
    return this._record;
  }

  /** The last failure to reach the build; the poll retries unless the build is lost. */
  get error(): ResponseError | null {
    return this._lost ?? this._error;
  }

  /** True when the server no longer knows this build (it restarted, or it was removed). */
  get isLost(): boolean {
    return this._lost !== null;
  }

  /** `step n of m` from the latest step event, or null before the first one. */
  get step(): { step: number; total: number; message: string } | null {
    for (let i = this._events.length - 1; i >= 0; i--) {
      const event = this._events[i];
      if (
        event.kind === 'step' &&
        typeof event.step === 'number' &&
        typeof event.total === 'number'
      ) {
        return { step: event.step, total: event.total, message: event.message };
      }
    }
    return null;
  }

  /**
   * The build's progress: `progress` of the latest event that has one (one count over the
   * environment, the notebook layer, verify and push); else, from an older server, `step n of m`
   * of the latest step event with no phase. Null before the first one.
   */
  get progress(): { phase: string | null; step: number; total: number } | null {
    for (let i = this._events.length - 1; i >= 0; i--) {
      const progress = this._events[i].progress;
      if (
        progress &&
        typeof progress.step === 'number' &&
        typeof progress.total === 'number'
      ) {
        return {
          phase: typeof progress.phase === 'string' ? progress.phase : null,
          step: progress.step,
          total: progress.total
        };
      }
    }
    const step = this.step;
    return step ? { phase: null, step: step.step, total: step.total } : null;
  }

  /** The build's own failure as the server typed it: what went wrong, what to do, the fixes. */
  get failure(): {
    message: string;
    hint: string;
    actions: IFixAction[];
  } | null {
    const error = this._record?.error;
    if (!error || this.status !== 'failed') {
      return null;
    }
    if (typeof error === 'string') {
      return { message: error, hint: '', actions: [] };
    }
    return {
      message: error.message ?? '',
      hint: error.hint ?? '',
      actions: fixActions(error.actions)
    };
  }

  /**
   * A failed or cancelled build's image left untagged: kept as `NAME:TAG-unverified`, while `tag`
   * still names the image it named before (`previous` null: the tag names no image).
   */
  get keptImage(): {
    image: string;
    tag: string | null;
    previous: string | null;
  } | null {
    const error = this._record?.error;
    if (
      !error ||
      typeof error === 'string' ||
      (this.status !== 'failed' && this.status !== 'cancelled') ||
      typeof error.kept_image !== 'string' ||
      !error.kept_image
    ) {
      return null;
    }
    return {
      image: error.kept_image,
      tag: typeof error.tag === 'string' ? error.tag : null,
      previous:
        typeof error.tag_image_id === 'string' ? error.tag_image_id : null
    };
  }

  /** BinderHub's latest phase (`data.phase` of the events), or null before the first one. */
  get phase(): string | null {
    for (let i = this._events.length - 1; i >= 0; i--) {
      const phase = this._events[i].data?.phase;
      if (phase) {
        return phase;
      }
    }
    return null;
  }

  /** Milliseconds since the build started, up to its end once finished. */
  get elapsedMs(): number {
    const record = this._record;
    const first = this._events.length ? this._events[0].time : undefined;
    const start =
      parseTime(record?.started) ??
      parseTime(record?.created) ??
      parseTime(first) ??
      this._localStart;
    let end = Date.now();
    if (this.isFinished) {
      const last = this._events.length
        ? this._events[this._events.length - 1].time
        : undefined;
      end =
        parseTime(record?.finished) ??
        parseTime(last) ??
        this._finishedAt ??
        end;
    }
    return Math.max(0, end - start);
  }

  /** Everything a user needs to understand a failure, as plain text. */
  get failureText(): string {
    const parts: string[] = [];
    const error = this._record?.error;
    if (typeof error === 'string') {
      parts.push(error);
    } else if (error) {
      parts.push(
        [error.message, error.hint].filter(Boolean).join('\n') ||
          JSON.stringify(error)
      );
    }
    if (this._lost) {
      parts.push(this._lost.fullText);
    }
    const errors = this._events.filter(event => event.kind === 'error');
    parts.push(...errors.map(event => event.message));
    const log = this._events.slice(-40).map(event => event.message);
    if (log.length) {
      parts.push('Last lines of the log:\n' + log.join('\n'));
    }
    return parts.join('\n\n');
  }

  /** Asks the server to cancel; the poll sees the final status. */
  async cancel(): Promise<void> {
    await this._endpoints.cancel(this.id);
    await this.refresh();
  }

  /** Polls now instead of at the next tick. */
  async refresh(): Promise<void> {
    if (this._poll.isDisposed) {
      return;
    }
    try {
      await this._poll.refresh();
      await this._poll.tick;
    } catch (error) {
      // The poll ends (and rejects its tick) when the build is final: that is an answer.
      if (!this._poll.isDisposed) {
        throw error;
      }
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    Signal.clearData(this);
  }

  private async _fetch(): Promise<void> {
    let record: IBuildRecord;
    try {
      record = await this._endpoints.get(this.id, this._next);
    } catch (error) {
      if (error instanceof ResponseError && error.status === 404) {
        this._lost = error;
        this._finish();
        return;
      }
      this._error = asResponseError(error);
      this._changed.emit();
      throw error; // lets the poll back off
    }
    this._error = null;
    this._record = record;
    const events = record.events ?? [];
    for (const event of events) {
      if (event.index >= this._next) {
        this._events.push(event);
      }
    }
    if (this._events.length > MAX_EVENTS) {
      this._events.splice(0, this._events.length - MAX_EVENTS);
    }
    const last = events.length ? events[events.length - 1].index + 1 : 0;
    this._next = Math.max(this._next, record.next ?? last, last);
    if (this.isFinished) {
      this._finish();
    } else {
      this._changed.emit();
    }
  }

  private _finish(): void {
    this._finishedAt = Date.now();
    this._poll.dispose();
    this._changed.emit();
    this._finished.emit();
  }

  private _changed = new Signal<this, void>(this);
  private _finished = new Signal<this, void>(this);
  private _isDisposed = false;
  private _record: IBuildRecord | null;
  private _endpoints: IBuildEndpoints;
  private _events: IBuildEvent[] = [];
  private _next = 0;
  private _error: ResponseError | null = null;
  private _lost: ResponseError | null = null;
  private _localStart: number;
  private _finishedAt: number | null = null;
  private _poll: Poll;
}

export namespace BuildSession {
  export interface IOptions {
    id: string;
    path: string;
    /** The record the server answered the build request with, if any. */
    record?: IBuildRecord;
    /** Default: the image builds' endpoints. */
    endpoints?: IBuildEndpoints;
  }
}

/** Milliseconds since the epoch from ISO text or from seconds / milliseconds since the epoch. */
export function parseTime(value: unknown): number | null {
  if (typeof value === 'number' && isFinite(value)) {
    return value < 1e12 ? value * 1000 : value;
  }
  if (typeof value === 'string' && value) {
    const parsed = Date.parse(value);
    return isNaN(parsed) ? null : parsed;
  }
  return null;
}
