import { nullTranslator } from '@jupyterlab/translation';

import { listEnvironments, pruneEnvironments } from '../api';
import {
  EnvironmentsModel,
  environmentsErrorText,
  freeSpaceSummary,
  freedBytes,
  IFreeSpacePlan,
  imagesToRemove,
  keptText,
  lastUsedText,
  planFreeSpace,
  pruneResultText,
  shortName,
  totalText
} from '../environments';
import { ResponseError } from '../request';
import {
  IEnvironmentImage,
  IEnvironmentsListing,
  IPruneResult,
  IServerInfo
} from '../types';

jest.mock('../api', () => ({
  listEnvironments: jest.fn(),
  pruneEnvironments: jest.fn()
}));

const list = listEnvironments as unknown as jest.Mock;
const prune = pruneEnvironments as unknown as jest.Mock;
const trans = nullTranslator.load('jupyterlab_containerize');
const ENV = 'localhost/containerize-env';

function image(
  key: string,
  size: number,
  changes: Partial<IEnvironmentImage> = {}
): IEnvironmentImage {
  return {
    tag: `${ENV}:${key}`,
    image_id: `sha256:${key}`,
    size,
    last_used: 1_700_000_000,
    parent: null,
    used_by: [],
    notebooks: [],
    untagged_images: 0,
    needed_by: null,
    ...changes
  };
}

const KEPT = image('c80e9fe91de85adf8d822f42', 314_000_000, {
  used_by: ['me/analysis:1'],
  notebooks: ['analysis.ipynb'],
  needed_by: 'me/analysis:1'
});
const OLD = image('old', 1_200_000_000, { last_used: 1_600_000_000 });
const MID = image('mid', 500_000_000);

function listing(
  remove: string[] = [],
  limit: number | null = null
): IEnvironmentsListing {
  const environments = [KEPT, MID, OLD];
  const sizes = environments.filter(e => remove.includes(e.tag));
  return {
    total: 2_014_000_000,
    limit,
    freed: sizes.reduce((sum, e) => sum + e.size, 0),
    environments,
    remove
  };
}

function answer(
  remove: string[],
  limit: number | null = null,
  changes: Partial<IPruneResult> = {}
): IPruneResult {
  return {
    ...listing(remove, limit),
    dry_run: true,
    removed: [],
    problems: [],
    ...changes
  };
}

beforeEach(() => {
  list.mockReset();
  prune.mockReset();
});

describe('what the section writes', () => {
  it('the total, with the limit when the admin set one', () => {
    expect(totalText(listing(), trans)).toBe('2.0 GB in 3 images');
    expect(totalText(listing([], 20e9), trans)).toBe(
      '2.0 GB in 3 images; limit 20 GB'
    );
  });

  it('a short name from the tag: the first 12 characters of its key', () => {
    expect(shortName(KEPT.tag)).toBe('c80e9fe91de8');
    expect(shortName(OLD.tag)).toBe('old');
  });

  it('why an image stays, or that nothing needs it', () => {
    expect(keptText(KEPT, trans)).toBe('needed by me/analysis:1');
    expect(keptText(OLD, trans)).toBe('no tagged image needs it');
    const under = image('under', 1, { needed_by: `${ENV}:stack1234567890` });
    expect(keptText(under, trans)).toBe(
      'needed by stack1234567, which extends it'
    );
  });

  it('the last use relative to now, or unknown', () => {
    const recent = image('r', 1, { last_used: Date.now() / 1000 - 3600 });
    expect(lastUsedText(recent, trans)).toMatch(/^used .*hour/);
    expect(lastUsedText(image('z', 1, { last_used: 0 }), trans)).toBe(
      'last use unknown'
    );
  });

  it('an engine that does not answer in the engine status words; others in one line', () => {
    const info: IServerInfo = {
      version: '1',
      spec_version: 1,
      binderhub_url: '',
      engine: { available: false, where: 'build-host:2376', message: 'x' }
    };
    const down = new ResponseError(503, 'Cannot reach', 'engine-unavailable');
    expect(environmentsErrorText(down, info, trans)).toBe(
      'No container engine answers: builds cannot run on build-host:2376.'
    );
    expect(environmentsErrorText(down, null, trans)).toBe(
      'No container engine answers: builds cannot run here.'
    );
    const other = new ResponseError(500, 'first line\nsecond line', 'x');
    expect(environmentsErrorText(other, info, trans)).toBe('first line');
  });

  it('what a prune removed and freed, less what the engine refused', () => {
    const result = answer([OLD.tag, MID.tag], null, {
      dry_run: false,
      removed: [`removed ${OLD.tag} (1.20 GB)`],
      problems: [`${MID.tag}: conflict: a container uses it`]
    });
    expect(imagesToRemove(result).map(e => e.tag)).toEqual([OLD.tag, MID.tag]);
    expect(freedBytes(result)).toBe(1_200_000_000);
    expect(pruneResultText(result, trans)).toBe(
      'Removed 1 environment image, freed 1.2 GB.'
    );
  });

  it('what the dialog says: what goes, nothing, or below the admin limit', () => {
    const plan = (remove: string[], belowLimit = false): IFreeSpacePlan => ({
      dryRun: answer(remove, belowLimit ? 0 : null),
      belowLimit,
      limit: belowLimit ? 20e9 : null
    });
    expect(freeSpaceSummary(plan([OLD.tag]), trans)).toBe(
      'Removes 1 environment image no tagged image needs, least recently used first, and frees 1.2 GB.'
    );
    expect(freeSpaceSummary(plan([]), trans)).toMatch(/^Nothing to remove/);
    expect(freeSpaceSummary(plan([OLD.tag, MID.tag], true), trans)).toBe(
      'They fit under the limit of 20 GB the admin set. Removes 2 environment images no tagged image needs, least recently used first, and frees 1.7 GB.'
    );
  });
});

describe('planFreeSpace', () => {
  it('shows what the admin limit (or, with none, every unused one) removes', async () => {
    prune.mockResolvedValueOnce(answer([OLD.tag]));
    const plan = await planFreeSpace();
    expect(prune).toHaveBeenCalledTimes(1);
    expect(prune.mock.calls[0][0]).toEqual({ dry_run: true });
    expect(plan).toMatchObject({ belowLimit: false, limit: null });
    expect(plan.maxGb).toBeUndefined();
  });

  it('under the admin limit: what removing every unused one would free', async () => {
    prune
      .mockResolvedValueOnce(answer([], 20e9))
      .mockResolvedValueOnce(answer([OLD.tag, MID.tag], 0));
    const plan = await planFreeSpace();
    expect(prune.mock.calls[1][0]).toEqual({ dry_run: true, max_gb: 0 });
    expect(plan).toMatchObject({ belowLimit: true, limit: 20e9, maxGb: 0 });
    expect(plan.dryRun.remove).toEqual([OLD.tag, MID.tag]);
  });
});

describe('EnvironmentsModel', () => {
  it('lists, and keeps a failure as the error', async () => {
    const model = new EnvironmentsModel();
    list.mockResolvedValueOnce(listing());
    expect(await model.refresh()).toBe(true);
    expect(model.listing.result?.environments).toHaveLength(3);
    list.mockRejectedValueOnce(
      new ResponseError(503, 'down', 'engine-unavailable')
    );
    expect(await model.refresh()).toBe(false);
    expect(model.listing.error?.code).toBe('engine-unavailable');
    model.dispose();
  });

  it('a build that ends lists again, once the list was shown', async () => {
    const model = new EnvironmentsModel();
    list.mockClear();
    expect(await model.buildEnded()).toBe(false); // nobody opened the section: no request
    expect(list).not.toHaveBeenCalled();
    list.mockResolvedValueOnce(listing());
    await model.refresh();
    list.mockResolvedValueOnce(listing());
    expect(await model.buildEnded()).toBe(true);
    expect(list).toHaveBeenCalledTimes(2);
    model.dispose();
  });

  it('a dry run first; nothing is removed when the user says no', async () => {
    const model = new EnvironmentsModel();
    prune.mockResolvedValueOnce(answer([OLD.tag]));
    const confirm = jest.fn(async () => false);
    expect(await model.freeSpace(confirm)).toBe(false);
    expect(confirm).toHaveBeenCalledTimes(1);
    expect(prune).toHaveBeenCalledTimes(1); // only the dry run
    expect(model.freeing.result).toBeNull();
    model.dispose();
  });

  it('on yes, prunes exactly what the dry run showed, then lists again', async () => {
    const model = new EnvironmentsModel();
    const removingSeen: number[] = [];
    prune
      .mockResolvedValueOnce(answer([OLD.tag, MID.tag]))
      .mockImplementationOnce(async () => {
        removingSeen.push(model.removing);
        return answer([OLD.tag, MID.tag], null, {
          dry_run: false,
          removed: ['removed a', 'removed b']
        });
      });
    list.mockResolvedValueOnce(listing());
    const seen: string[][] = [];
    const pruned = await model.freeSpace(async plan => {
      seen.push(plan.dryRun.remove);
      return true;
    });
    expect(pruned).toBe(true);
    expect(seen).toEqual([[OLD.tag, MID.tag]]);
    expect(prune.mock.calls[1][0]).toEqual({
      dry_run: false,
      max_gb: undefined,
      tags: [OLD.tag, MID.tag]
    });
    expect(list).toHaveBeenCalledTimes(1);
    expect(model.freeing.result?.removed).toHaveLength(2);
    expect(removingSeen).toEqual([2]); // the section says what it removes meanwhile
    expect(model.removing).toBe(0);
    model.dispose();
  });

  it('a plan that removes nothing is only shown', async () => {
    const model = new EnvironmentsModel();
    prune.mockResolvedValueOnce(answer([]));
    expect(await model.freeSpace(async () => true)).toBe(false);
    expect(prune).toHaveBeenCalledTimes(1);
    model.dispose();
  });

  it('a refresh the user asks for forgets the last outcome; the one after a prune keeps it', async () => {
    const model = new EnvironmentsModel();
    prune.mockRejectedValueOnce(new ResponseError(500, 'refused', 'x'));
    await model.freeSpace(async () => true);
    expect(model.freeing.error?.message).toBe('refused');
    list.mockResolvedValue(listing());
    await model.refresh();
    expect(model.freeing.error?.message).toBe('refused');
    await model.refresh({ forget: true });
    expect(model.freeing.error).toBeNull();
    model.dispose();
  });

  it('a failed dry run is the error, and no dialog opens', async () => {
    const model = new EnvironmentsModel();
    prune.mockRejectedValueOnce(
      new ResponseError(503, 'down', 'engine-unavailable')
    );
    const confirm = jest.fn(async () => true);
    expect(await model.freeSpace(confirm)).toBe(false);
    expect(confirm).not.toHaveBeenCalled();
    expect(model.freeing.error?.code).toBe('engine-unavailable');
    model.dispose();
  });
});
