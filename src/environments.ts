/**
 * The environment images builds left on the engine, as the panel's Environments section shows
 * them (`GET /containerize/environments`), and "Free space…": a dry run of
 * `POST /containerize/environments/prune`, the user's yes, then a prune of exactly what the dry
 * run showed (`tags`), so an image that became needed meanwhile, or that nobody saw, stays.
 *
 * One model per panel: the images belong to the engine, not to a notebook.
 */
import { Time } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { listEnvironments, pruneEnvironments } from './api';
import { engineDownTitle } from './engineStatus';
import { ResponseError } from './request';
import { formatSize } from './resultFacts';
import { Task } from './task';
import {
  IEnvironmentImage,
  IEnvironmentsListing,
  IPruneResult,
  IServerInfo
} from './types';

/** What "Free space…" would remove, from a dry run, for the user to confirm. */
export interface IFreeSpacePlan {
  /** The dry run's answer: `remove` is what the prune will remove, `freed` its bytes. */
  dryRun: IPruneResult;
  /** The `max_gb` the dry run asked (0: past the admin's limit, every unused one); undefined: the admin's. */
  maxGb?: number;
  /**
   * True when everything fit under the admin's limit, so the plan shown is every image no tagged
   * image needs: freeing space then goes below the limit, which the dialog says.
   */
  belowLimit: boolean;
  /** The admin's limit in bytes (null: none). */
  limit: number | null;
}

/** Asks the user about a plan; true: prune. A plan that removes nothing is only shown. */
export type ConfirmFreeSpace = (plan: IFreeSpacePlan) => Promise<boolean>;

/**
 * The dry run "Free space…" shows: what the admin's limit removes; when that is nothing but some
 * images are unused, what removing every unused one would free.
 */
export async function planFreeSpace(
  signal?: AbortSignal
): Promise<IFreeSpacePlan> {
  const dryRun = await pruneEnvironments({ dry_run: true }, signal);
  const limit = dryRun.limit;
  const unused = dryRun.environments.some(image => image.needed_by === null);
  if (dryRun.remove.length || limit === null || !unused) {
    return { dryRun, belowLimit: false, limit };
  }
  const every = await pruneEnvironments({ dry_run: true, max_gb: 0 }, signal);
  return { dryRun: every, maxGb: 0, belowLimit: true, limit };
}

/** The images a plan removes, in its order (least recently used first). */
export function imagesToRemove(
  listing: IEnvironmentsListing
): IEnvironmentImage[] {
  const byTag = new Map(listing.environments.map(image => [image.tag, image]));
  return listing.remove
    .map(tag => byTag.get(tag))
    .filter((image): image is IEnvironmentImage => !!image);
}

/** Bytes a prune really freed: what it removed, less those the engine refused. */
export function freedBytes(result: IPruneResult): number {
  const refused = (tag: string) =>
    result.problems.some(problem => problem.startsWith(`${tag}: `));
  return imagesToRemove(result)
    .filter(image => !refused(image.tag))
    .reduce((sum, image) => sum + image.size, 0);
}

export class EnvironmentsModel implements IDisposable {
  constructor() {
    this.listing.changed.connect(this._emit, this);
    this.freeing.changed.connect(this._emit, this);
  }

  /** The last listing (`GET /containerize/environments`), or why it failed. */
  readonly listing = new Task<IEnvironmentsListing>();
  /** The last "Free space…": the prune's answer, or null when the user said no or nothing went. */
  readonly freeing = new Task<IPruneResult | null>({ supersede: false });

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** How many images the prune in flight removes (0: none runs). */
  get removing(): number {
    return this._removing;
  }

  /**
   * Lists the images again. `forget`: the user asked (opened the section, clicked Refresh), so
   * the last "Free space…" outcome, which the new list supersedes, is no longer shown.
   */
  refresh(options: { forget?: boolean } = {}): Promise<boolean> {
    if (options.forget && !this.freeing.isRunning) {
      this.freeing.reset();
    }
    return this.listing.execute(signal => listEnvironments(signal));
  }

  /**
   * A build ended (any document's): it may have made or used an environment image. Lists again
   * when the list was shown before; a list nobody opened stays unloaded.
   */
  buildEnded(): Promise<boolean> {
    if (this.listing.result === null && this.listing.error === null) {
      return Promise.resolve(false);
    }
    return this.refresh();
  }

  /**
   * Dry run, the user's yes (`confirm`), the prune of what the dry run showed, then the list
   * again. Answers true when the prune ran.
   */
  async freeSpace(confirm: ConfirmFreeSpace): Promise<boolean> {
    let pruned = false;
    await this.freeing.execute(async signal => {
      const plan = await planFreeSpace(signal);
      if (!(await confirm(plan)) || !plan.dryRun.remove.length) {
        return null;
      }
      this._removing = plan.dryRun.remove.length;
      this._emit();
      try {
        const result = await pruneEnvironments(
          { dry_run: false, max_gb: plan.maxGb, tags: plan.dryRun.remove },
          signal
        );
        pruned = true;
        return result;
      } finally {
        this._removing = 0;
      }
    });
    if (pruned) {
      await this.refresh();
    }
    return pruned;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.listing.dispose();
    this.freeing.dispose();
    Signal.clearData(this);
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _changed = new Signal<this, void>(this);
  private _isDisposed = false;
  private _removing = 0;
}

/** An error of the section as one line; an engine that does not answer in the engine status's words. */
export function environmentsErrorText(
  error: ResponseError,
  info: IServerInfo | null,
  trans: TranslationBundle
): string {
  if (error.code === 'engine-unavailable') {
    return engineDownTitle(info, trans);
  }
  return error.message.split('\n')[0];
}

/** "17 GB in 58 images" (limit: ", limit 20 GB"). */
export function totalText(
  listing: IEnvironmentsListing,
  trans: TranslationBundle
): string {
  const count = listing.environments.length;
  const total = trans._n(
    '%2 in %1 image',
    '%2 in %1 images',
    count,
    formatSize(listing.total)
  );
  return listing.limit === null
    ? total
    : trans.__('%1; limit %2', total, formatSize(listing.limit));
}

/** The image's short name: its key, e.g. "c80e9fe91de8" of `localhost/containerize-env:c80e9fe91de85adf8d822f42`. */
export function shortName(tag: string): string {
  const key = tag.slice(tag.lastIndexOf(':') + 1);
  return key.length > 12 ? key.slice(0, 12) : key;
}

/** "used 3 days ago", or "last use unknown" for 0. */
export function lastUsedText(
  image: IEnvironmentImage,
  trans: TranslationBundle
): string {
  return image.last_used > 0
    ? trans.__('used %1', Time.formatHuman(new Date(image.last_used * 1000)))
    : trans.__('last use unknown');
}

/** Why the image stays whatever the limit, or that nothing tagged needs it. */
export function keptText(
  image: IEnvironmentImage,
  trans: TranslationBundle
): string {
  if (image.needed_by === null) {
    return trans.__('no tagged image needs it');
  }
  return image.used_by.includes(image.needed_by)
    ? trans.__('needed by %1', image.needed_by)
    : trans.__('needed by %1, which extends it', shortName(image.needed_by));
}

/** What the confirm dialog says above the list of images a prune removes. */
export function freeSpaceSummary(
  plan: IFreeSpacePlan,
  trans: TranslationBundle
): string {
  const { dryRun } = plan;
  const count = dryRun.remove.length;
  if (!count) {
    return dryRun.environments.length
      ? trans.__(
          'Nothing to remove: a tagged image needs every environment image.'
        )
      : trans.__('Nothing to remove: builds left no environment images.');
  }
  const removes = trans._n(
    'Removes %1 environment image no tagged image needs, least recently used first, and frees %2.',
    'Removes %1 environment images no tagged image needs, least recently used first, and frees %2.',
    count,
    formatSize(dryRun.freed)
  );
  return plan.belowLimit
    ? trans.__(
        'They fit under the limit of %1 the admin set. %2',
        formatSize(plan.limit ?? 0),
        removes
      )
    : removes;
}

/** What a prune did, in one line. */
export function pruneResultText(
  result: IPruneResult,
  trans: TranslationBundle
): string {
  const removed = result.removed.length;
  return trans._n(
    'Removed %1 environment image, freed %2.',
    'Removed %1 environment images, freed %2.',
    removed,
    formatSize(freedBytes(result))
  );
}
