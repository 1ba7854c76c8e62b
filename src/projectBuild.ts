/**
 * Project builds: a folder of notebooks built into one image (`POST /containerize/builds` with the
 * folder as `path`, docs/build.md). No inspection and no spec: the server inspects every notebook.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import {
  AUTO_BASE_IMAGE,
  CUSTOM_BASE_IMAGE,
  IPanelOptions
} from './buildOptions';
import {
  IBuildOptions,
  IBuildRequest,
  IBuildResult,
  ICellVerifyResult
} from './types';

/** `options` of a folder's build: JupyterLab over every notebook; tag, base image and verify. */
export function projectBuildOptions(options: IPanelOptions): IBuildOptions {
  const request: IBuildOptions = { target: 'notebook', verify: options.verify };
  const tag = options.tag.trim();
  if (tag) {
    request.tag = tag;
  }
  if (options.baseImage === CUSTOM_BASE_IMAGE) {
    request.base_image = options.customBaseImage.trim();
  } else if (options.baseImage !== AUTO_BASE_IMAGE) {
    request.base_image = options.baseImage;
  }
  return request;
}

/** The build request of a folder, relative to the server's root: no spec. */
export function projectBuildRequest(
  folder: string,
  options: IPanelOptions
): IBuildRequest {
  return { path: folder, options: projectBuildOptions(options) };
}

/** One notebook's verify report in a project's result. */
export interface IProjectVerifyRow {
  name: string;
  passed: boolean;
  cells: ICellVerifyResult[];
}

/** `result.verify.notebooks` of a project build, one row per notebook; empty for a notebook build. */
export function projectVerifyRows(result: IBuildResult): IProjectVerifyRow[] {
  const verify = result.verify;
  const notebooks = verify?.notebooks;
  if (!notebooks || typeof notebooks !== 'object') {
    return [];
  }
  const failed = Array.isArray(verify.failed)
    ? (verify.failed as unknown[])
    : [];
  return Object.entries(notebooks as Record<string, unknown>).map(
    ([name, report]) => {
      const data = (report && typeof report === 'object' ? report : {}) as {
        passed?: unknown;
        cells?: unknown;
      };
      return {
        name,
        passed: data.passed === true && !failed.includes(name),
        cells: Array.isArray(data.cells)
          ? (data.cells as ICellVerifyResult[])
          : []
      };
    }
  );
}

/** "Verify: 2 of 3 notebooks ran as saved" and the like. */
export function projectVerifyTitle(
  rows: IProjectVerifyRow[],
  trans: TranslationBundle
): string {
  const failed = rows.filter(row => !row.passed).length;
  return failed
    ? trans._n(
        'Verify: %1 notebook of %2 differs',
        'Verify: %1 notebooks of %2 differ',
        failed,
        rows.length
      )
    : trans._n(
        'Verify: the notebook ran as saved',
        'Verify: all %1 notebooks ran as saved',
        rows.length
      );
}
