/** The phases of a build's progress (`progress.phase` of its events), in words. */
import { TranslationBundle } from '@jupyterlab/translation';

/** What a running build does now, from its progress phase; null: the status says it. */
export function phaseText(
  phase: string | null,
  trans: TranslationBundle
): string | null {
  switch (phase) {
    case 'environment':
      return trans.__('Building the environment');
    case 'notebook':
      return trans.__('Adding the notebook');
    case 'verify':
      return trans.__('Verifying');
    case 'push':
      return trans.__('Pushing');
    default:
      return null;
  }
}
