/**
 * The build options the panel offers, and how they become `options` of `POST /containerize/builds`.
 */
import { PathExt } from '@jupyterlab/coreutils';
import { TranslationBundle } from '@jupyterlab/translation';

import { IContainerizeSettings } from './settings';
import { BuildTarget, GpuMode, IBuildOptions } from './types';

/** "auto": the server picks a slim image matching the kernel's Python. */
export const AUTO_BASE_IMAGE = 'auto';
/** The user types an image reference. */
export const CUSTOM_BASE_IMAGE = 'custom';

/** Jupyter Docker Stacks images offered next to "auto". */
export const DOCKER_STACKS_IMAGES: ReadonlyArray<string> = [
  'quay.io/jupyter/minimal-notebook:latest',
  'quay.io/jupyter/scipy-notebook:latest',
  'quay.io/jupyter/pytorch-notebook:latest'
];

export const BUILD_TARGETS: ReadonlyArray<BuildTarget> = [
  'notebook',
  'batch',
  'serve',
  'binder'
];

export const GPU_MODES: ReadonlyArray<GpuMode> = ['none', 'auto', 'cuda'];

/** What the options form holds. */
export interface IPanelOptions {
  /** AUTO_BASE_IMAGE, CUSTOM_BASE_IMAGE or one of DOCKER_STACKS_IMAGES. */
  baseImage: string;
  customBaseImage: string;
  gpu: GpuMode;
  target: BuildTarget;
  tag: string;
  registry: string;
  push: boolean;
  verify: boolean;
}

/** A tag derived from the notebook's name: `analysis.ipynb` -> `analysis:latest`. */
export function defaultTag(notebookPath: string): string {
  const stem = PathExt.basename(notebookPath, PathExt.extname(notebookPath));
  const name = stem
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return `${name || 'notebook'}:latest`;
}

/** The form's first values, from the user's settings. */
export function initialOptions(
  notebookPath: string,
  settings: IContainerizeSettings
): IPanelOptions {
  const base = settings.defaultBaseImage;
  const known = base === AUTO_BASE_IMAGE || DOCKER_STACKS_IMAGES.includes(base);
  return {
    baseImage: known ? base : CUSTOM_BASE_IMAGE,
    customBaseImage: known ? '' : base,
    gpu: settings.gpuDefault,
    target: 'notebook',
    tag: defaultTag(notebookPath),
    registry: settings.registry,
    push: false,
    verify: false
  };
}

/** The full image reference: the registry, when one is set, prefixes the tag. */
export function imageReference(options: IPanelOptions): string {
  const tag = options.tag.trim();
  const registry = options.registry.trim().replace(/\/+$/, '');
  if (!tag) {
    return '';
  }
  return registry ? `${registry}/${tag}` : tag;
}

/** Why the form cannot be sent, or null when it can. */
export function optionsProblem(
  options: IPanelOptions,
  trans: TranslationBundle
): string | null {
  if (
    options.baseImage === CUSTOM_BASE_IMAGE &&
    !options.customBaseImage.trim()
  ) {
    return trans.__('Type the custom base image, or choose another one.');
  }
  if (
    options.tag.trim() &&
    !/^[A-Za-z0-9][\w./:@-]*$/.test(options.tag.trim())
  ) {
    return trans.__(
      'The image tag may hold only letters, digits and . _ - / : @'
    );
  }
  if (options.push && !options.registry.trim()) {
    return trans.__('Pushing needs a registry.');
  }
  return null;
}

/** `options` of the build request. */
export function toBuildOptions(options: IPanelOptions): IBuildOptions {
  const request: IBuildOptions = {
    target: options.target,
    verify: options.verify
  };
  if (options.gpu !== 'none') {
    request.gpu = options.gpu;
  }
  const tag = imageReference(options);
  if (tag) {
    request.tag = tag;
  }
  if (options.baseImage === CUSTOM_BASE_IMAGE) {
    request.base_image = options.customBaseImage.trim();
  } else if (options.baseImage !== AUTO_BASE_IMAGE) {
    request.base_image = options.baseImage;
  }
  if (options.push && options.registry.trim()) {
    request.push = true;
  }
  return request;
}
