/**
 * The Kubernetes manifests of a build with `options.k8s` (`result.manifests`): the names they
 * download under, and the `kubectl apply` commands that use those names.
 */
import { saveFile } from './saveFile';
import { IManifest } from './types';

/**
 * `kserve/inferenceservice.yaml` -> `kserve-inferenceservice.yaml`: a browser saves one file, not
 * a folder, so the folder becomes part of the name; anything unusual becomes `-`.
 */
export function manifestFileName(path: string): string {
  const name = path
    .split(/[\\/]+/)
    .filter(part => part && part !== '.' && part !== '..')
    .join('-')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+/, '');
  return name || 'manifest.yaml';
}

/** Hands one manifest to the browser's downloads. */
export function downloadManifest(manifest: IManifest): void {
  saveFile(
    new Blob([manifest.yaml], { type: 'application/yaml' }),
    manifestFileName(manifest.path)
  );
}

/** What a `kubectl apply` command deploys. */
export type ApplyWhat = 'default' | 'kserve' | 'schedule';

export interface IApplyCommand {
  what: ApplyWhat;
  command: string;
}

/** Claims first: a job mounts its claim. */
function applyOrder(manifests: IManifest[]): IManifest[] {
  const rank = (m: IManifest) => (m.kind === 'PersistentVolumeClaim' ? 0 : 1);
  return [...manifests].sort((a, b) => rank(a) - rank(b));
}

function applyCommand(manifests: IManifest[]): string {
  return [
    'kubectl apply',
    ...applyOrder(manifests).map(m => `-f ${manifestFileName(m.path)}`)
  ].join(' ');
}

const isKServe = (m: IManifest) => /^kserve[\\/]/.test(m.path);
const isCronJob = (m: IManifest) => m.kind === 'CronJob';
const isJob = (m: IManifest) => m.kind === 'Job';

/**
 * The commands for the downloaded files, run in their folder: the plain deployment first, then the
 * alternatives (KServe's InferenceService instead of the Deployment and Service; the CronJob
 * instead of the one-off Job).
 */
export function applyCommands(manifests: IManifest[]): IApplyCommand[] {
  const commands: IApplyCommand[] = [];
  const plain = manifests.filter(m => !isKServe(m) && !isCronJob(m));
  if (plain.length) {
    commands.push({ what: 'default', command: applyCommand(plain) });
  }
  const kserve = manifests.filter(isKServe);
  if (kserve.length) {
    commands.push({ what: 'kserve', command: applyCommand(kserve) });
  }
  if (manifests.some(isCronJob)) {
    const scheduled = manifests.filter(m => !isKServe(m) && !isJob(m));
    commands.push({ what: 'schedule', command: applyCommand(scheduled) });
  }
  return commands;
}
