/**
 * The touch record of a notebook's live kernel (`/containerize/record`): what its code reads, runs
 * and loads. The panel arms it once per kernel, again after a restart, and shows one line.
 */
import { ISessionContext } from '@jupyterlab/apputils';
import { TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { getRecording, startRecording } from './api';
import { asResponseError } from './request';
import { IRecordStatus } from './types';

/** What to ask the server now: arm the hook, read its counts, or nothing. */
export type RecordStep = 'none' | 'post' | 'get';

/** POST once per kernel (while recording is on); after that, GET refreshes the counts. */
export function recordStep(
  enabled: boolean,
  kernelId: string | null,
  armedFor: string | null
): RecordStep {
  if (!enabled || !kernelId) {
    return 'none';
  }
  return armedFor === kernelId ? 'get' : 'post';
}

/** Whether a kernel status change ends a restart: the hook must be armed again. */
export function restartEnded(previous: string, current: string): boolean {
  return (
    (previous === 'restarting' || previous === 'autorestarting') &&
    current === 'idle'
  );
}

/** Epoch seconds -> local "10:42". */
export function formatClock(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** "Recording what the kernel touches since 10:42 — 12 files, 3 programs, 1 module", or null. */
export function recordingText(
  status: IRecordStatus | null,
  trans: TranslationBundle
): string | null {
  if (!status || !status.recording) {
    return null;
  }
  const counts = status.counts ?? {};
  const parts = [
    trans._n('%1 file', '%1 files', counts.files ?? 0),
    trans._n('%1 program', '%1 programs', counts.commands ?? 0),
    trans._n('%1 module', '%1 modules', counts.modules ?? 0)
  ].join(', ');
  return typeof status.since === 'number'
    ? trans.__(
        'Recording what the kernel touches since %1 — %2',
        formatClock(status.since),
        parts
      )
    : trans.__('Recording what the kernel touches — %1', parts);
}

/** The record of one notebook's kernel, as the panel shows it. */
export class KernelRecording implements IDisposable {
  /** `enabled`: the user's `recordKernel` setting, read at each step. */
  constructor(enabled: () => boolean) {
    this._enabled = enabled;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The last answer for the current kernel; null when off, no kernel, or not known yet. */
  get status(): IRecordStatus | null {
    return this._enabled() ? this._status : null;
  }

  /** Arms the hook in the kernel (once), or reads its counts when it is armed. */
  async sync(kernelId: string | null): Promise<void> {
    const step = recordStep(this._enabled(), kernelId, this._armedFor);
    if (kernelId !== this._kernelId) {
      this._kernelId = kernelId;
      this._status = null;
      this._emit();
    }
    if (step === 'none' || !kernelId || this._busy) {
      return;
    }
    this._busy = true;
    try {
      const status =
        step === 'post'
          ? await startRecording(kernelId)
          : await getRecording(kernelId);
      this._retry = false;
      if (kernelId === this._kernelId) {
        this._status = status;
        this._armedFor = status.recording ? kernelId : null;
      }
    } catch (error) {
      // 502: the kernel is busy, its next idle tries again. Other errors: no line, no banner.
      this._retry = asResponseError(error).status === 502;
      if (!this._retry && kernelId === this._kernelId) {
        this._status = null;
      }
      this._armedFor = null;
    } finally {
      this._busy = false;
      this._emit();
    }
  }

  /** Follows a notebook's session: a new kernel or a restart arms the hook again. */
  watch(session: ISessionContext): void {
    if (this._watched.has(session) || this._isDisposed) {
      return;
    }
    this._watched.add(session);
    let previous = session.kernelDisplayStatus as string;
    session.kernelChanged.connect(() => {
      this._armedFor = null;
      void this.sync(session.session?.kernel?.id ?? null);
    }, this);
    session.statusChanged.connect((_, status) => {
      const restarted = restartEnded(previous, status);
      // A restart may pass through "starting" or "busy": only its ends count.
      if (['idle', 'restarting', 'autorestarting'].includes(status)) {
        previous = status;
      }
      if (restarted) {
        this._armedFor = null;
      }
      if (restarted || (status === 'idle' && this._retry)) {
        void this.sync(session.session?.kernel?.id ?? null);
      }
    }, this);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
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
  private _enabled: () => boolean;
  private _kernelId: string | null = null;
  private _armedFor: string | null = null;
  private _status: IRecordStatus | null = null;
  private _busy = false;
  private _retry = false;
  private _watched = new WeakSet<ISessionContext>();
}
