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
  /** serve / batch: Kubernetes manifests in the result. */
  k8s: boolean;
  /** Verify, and on a failing cell change the environment and build again (implies verify). */
  repair: boolean;
  /** 1 to 10. */
  repairRounds: number;
}

/** The server's default number of repair rounds. */
export const DEFAULT_REPAIR_ROUNDS = 3;

/** Whether a target can have Kubernetes manifests. */
export function hasManifests(target: BuildTarget): boolean {
  return target === 'serve' || target === 'batch';
}

/**
 * The tag the server gives an image when none is asked for: `analysis.ipynb` built for the
 * notebook target is `analysis:notebook`. Shown as the tag field's placeholder, and used to
 * prefix a registry when the field is empty.
 */
export function defaultTag(notebookPath: string, target: BuildTarget): string {
  const stem = PathExt.basename(notebookPath, PathExt.extname(notebookPath));
  const name = stem
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '');
  return `${name || 'notebook'}:${target}`;
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
    tag: '',
    registry: settings.registry,
    push: false,
    verify: settings.verifyDefault,
    k8s: false,
    repair: false,
    repairRounds: DEFAULT_REPAIR_ROUNDS
  };
}

/**
 * The image reference to ask for: the registry, when one is set, prefixes the tag (or the
 * server's default tag). Empty: the server picks the tag.
 */
export function imageReference(
  options: IPanelOptions,
  notebookPath: string
): string {
  const registry = options.registry.trim().replace(/\/+$/, '');
  const tag =
    options.tag.trim() ||
    (registry ? defaultTag(notebookPath, options.target) : '');
  return registry && tag ? `${registry}/${tag}` : tag;
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
  if (
    options.repair &&
    !(
      Number.isInteger(options.repairRounds) &&
      options.repairRounds >= 1 &&
      options.repairRounds <= 10
    )
  ) {
    return trans.__('Repair rounds: a whole number from 1 to 10.');
  }
  return null;
}

/** `options` of the build request. */
export function toBuildOptions(
  options: IPanelOptions,
  notebookPath: string
): IBuildOptions {
  const request: IBuildOptions = {
    target: options.target,
    verify: options.verify || options.repair
  };
  if (options.repair) {
    request.repair = true;
    request.repair_rounds = options.repairRounds;
  }
  if (options.k8s && hasManifests(options.target)) {
    request.k8s = true;
  }
  if (options.gpu !== 'none') {
    request.gpu = options.gpu;
  }
  const tag = imageReference(options, notebookPath);
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

/**
 * A fix's `options_patch` split in two: what the form holds (base image, tag, target, verify,
 * push, GPU, repair) set in the form, so that it shows; the rest (`repin`, say) to send as is.
 */
export function applyOptionsPatch(
  options: IPanelOptions,
  patch: { [key: string]: unknown }
): { options: IPanelOptions; rest: { [key: string]: unknown } } {
  const next = { ...options };
  const rest: { [key: string]: unknown } = {};
  for (const [key, value] of Object.entries(patch)) {
    if ((key === 'base_image' || key === 'base') && typeof value === 'string') {
      const known =
        value === AUTO_BASE_IMAGE || DOCKER_STACKS_IMAGES.includes(value);
      next.baseImage = known ? value : CUSTOM_BASE_IMAGE;
      next.customBaseImage = known ? '' : value;
    } else if (key === 'tag' && typeof value === 'string') {
      next.tag = value;
    } else if (
      (key === 'verify' ||
        key === 'push' ||
        key === 'k8s' ||
        key === 'repair') &&
      typeof value === 'boolean'
    ) {
      next[key] = value;
    } else if (
      key === 'gpu' &&
      ['none', 'auto', 'cuda'].includes(String(value))
    ) {
      next.gpu = value as GpuMode;
    } else {
      rest[key] = value;
    }
  }
  return { options: next, rest };
}
