/**
 * Remembers, in JupyterLab's state database, the last build of each notebook and the notebook
 * the panel shows, so that a reopened panel or a reloaded page finds a running build again.
 */
import { IStateDB } from '@jupyterlab/statedb';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { listBuilds } from './api';
import { parseTime } from './buildSession';
import { FINISHED_STATUSES, IBuildRecord } from './types';

const BUILDS_KEY = 'jupyterlab-containerize:builds';
const PANEL_KEY = 'jupyterlab-containerize:panel';
const OPTIONS_KEY = 'jupyterlab-containerize:options';

/** A document's build options as saved: plain JSON, checked key by key when read back. */
export type SavedOptions = { [key: string]: string | number | boolean };

export class BuildStore {
  constructor(private readonly _state: IStateDB | null) {}

  /** The id of the notebook's last build, if one was started from this workspace. */
  async buildFor(path: string): Promise<string | null> {
    const builds = await this._builds();
    const id = builds[path];
    return typeof id === 'string' ? id : null;
  }

  async rememberBuild(path: string, id: string): Promise<void> {
    const builds = await this._builds();
    await this._save(BUILDS_KEY, { ...builds, [path]: id });
  }

  async forgetBuild(path: string, id: string): Promise<void> {
    const builds = await this._builds();
    if (builds[path] !== id) {
      return;
    }
    const rest = { ...builds };
    delete rest[path];
    await this._save(BUILDS_KEY, rest);
  }

  /**
   * The newest unfinished build of a notebook that the server knows: finds a build again when the
   * state database missed it (a reload right after the start, another browser).
   */
  async runningBuildFor(path: string): Promise<string | null> {
    let records: IBuildRecord[];
    try {
      records = await listBuilds();
    } catch {
      return null;
    }
    const candidates = records.filter(
      record =>
        !FINISHED_STATUSES.includes(record.status) && isBuildOf(record, path)
    );
    candidates.sort(
      (a, b) => (parseTime(b.created) ?? 0) - (parseTime(a.created) ?? 0)
    );
    return candidates.length ? candidates[0].id : null;
  }

  /** The build options last set for a document (by its model key), or null. */
  async optionsFor(key: string): Promise<SavedOptions | null> {
    const all = await this._allOptions();
    const saved = all[key];
    return saved && typeof saved === 'object' && !Array.isArray(saved)
      ? (saved as SavedOptions)
      : null;
  }

  /** Keeps a document's build options across a reload (never a secret: none is an option). */
  async rememberOptions(key: string, options: SavedOptions): Promise<void> {
    const all = await this._allOptions();
    const next = { ...all, [key]: options };
    if (!this._state) {
      this._memoryOptions = next;
      return;
    }
    await this._state.save(OPTIONS_KEY, next as ReadonlyPartialJSONObject);
  }

  /** The notebook the panel showed last. */
  async panelPath(): Promise<string | null> {
    if (!this._state) {
      return null;
    }
    const value = (await this._state.fetch(PANEL_KEY)) as
      ReadonlyPartialJSONObject | undefined;
    const path = value?.path;
    return typeof path === 'string' ? path : null;
  }

  async rememberPanelPath(path: string): Promise<void> {
    await this._save(PANEL_KEY, { path });
  }

  private async _allOptions(): Promise<{ [key: string]: unknown }> {
    if (!this._state) {
      return this._memoryOptions;
    }
    const value = await this._state.fetch(OPTIONS_KEY);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? { ...(value as { [key: string]: unknown }) }
      : {};
  }

  private async _builds(): Promise<{ [path: string]: string }> {
    if (!this._state) {
      return this._memory;
    }
    const value = await this._state.fetch(BUILDS_KEY);
    return value && typeof value === 'object' && !Array.isArray(value)
      ? { ...(value as { [path: string]: string }) }
      : {};
  }

  private async _save(
    key: string,
    value: ReadonlyPartialJSONObject
  ): Promise<void> {
    if (!this._state) {
      if (key === BUILDS_KEY) {
        this._memory = { ...(value as { [path: string]: string }) };
      }
      return;
    }
    await this._state.save(key, value);
  }

  /** Without a state database (it is optional) builds are remembered until the page reloads. */
  private _memory: { [path: string]: string } = {};
  private _memoryOptions: { [key: string]: unknown } = {};
}

/** Whether a build record is for the notebook at `path` (relative to the server root). */
function isBuildOf(record: IBuildRecord, path: string): boolean {
  const notebook = record.notebook;
  if (typeof notebook !== 'string' || !notebook) {
    return false;
  }
  // The server records the absolute path; the panel knows the path under the server root.
  return notebook === path || notebook.endsWith(`/${path}`);
}
