/**
 * Notebooks without a kernel (docs/static.md): where the pins came from in words, the imports no
 * curated table maps, and what `options.repair` changed.
 */
import { TranslationBundle } from '@jupyterlab/translation';

import { IEnvironmentSpec, IProblem, IRepair } from './types';

/** How the date was chosen, as the end of "as of DATE (...)". */
function asOfHow(spec: IEnvironmentSpec, trans: TranslationBundle): string {
  switch (spec.as_of_source) {
    case 'git-commit':
      return trans.__('its last commit');
    case 'file-time':
      return trans.__('its file time');
    case 'as-of':
      return trans.__('given');
    case 'lock':
      return trans.__("its lock's date");
    default:
      return '';
  }
}

/**
 * Where the pins of a spec that no environment answered came from, or null when an environment
 * (a kernel, an interpreter) gave them:
 * "Guessed from the code as of 2021-03-01 (its last commit)", "Read from the lock the notebook carries".
 */
export function pinsOrigin(
  spec: IEnvironmentSpec,
  trans: TranslationBundle
): string | null {
  const date = spec.as_of ?? null;
  const how = asOfHow(spec, trans);
  if (spec.source === 'static') {
    if (!date) {
      return trans.__('Guessed from the code; no date to pin versions as of');
    }
    return how
      ? trans.__('Guessed from the code as of %1 (%2)', date, how)
      : trans.__('Guessed from the code as of %1', date);
  }
  if (spec.source === 'lock') {
    return date
      ? trans.__(
          'Read from the lock the notebook carries (guessed from the code as of %1)',
          date
        )
      : trans.__('Read from the lock the notebook carries');
  }
  return null;
}

export const UNMAPPED_IMPORT = 'unmapped-import';

/** The module of an `unmapped-import` problem ("'import foo' has no known package…"), or null. */
export function unmappedModule(problem: IProblem): string | null {
  if (problem.kind !== UNMAPPED_IMPORT) {
    return null;
  }
  const match = /'import ([A-Za-z_][\w.]*)'/.exec(problem.message);
  return match ? match[1] : null;
}

/** The modules of a spec's `unmapped-import` problems, each once, in order. */
export function unmappedModules(spec: IEnvironmentSpec): string[] {
  const modules: string[] = [];
  for (const problem of spec.problems) {
    const module = unmappedModule(problem);
    if (module && !modules.includes(module)) {
      modules.push(module);
    }
  }
  return modules;
}

/**
 * One repair as a sentence:
 * "pandas stepped back 2.2.2 → 1.5.3: cell 3 raised AttributeError inside pandas: …".
 */
export function repairText(repair: IRepair, trans: TranslationBundle): string {
  const before = repair.before ?? '?';
  const after = repair.after ?? '?';
  switch (repair.change) {
    case 'added':
      return repair.after
        ? trans.__('%1 added (%2): %3', repair.package, after, repair.why)
        : trans.__('%1 added: %2', repair.package, repair.why);
    case 'stepped back':
      return trans.__(
        '%1 stepped back %2 → %3: %4',
        repair.package,
        before,
        after,
        repair.why
      );
    case 'stepped forward':
      return trans.__(
        '%1 stepped forward %2 → %3: %4',
        repair.package,
        before,
        after,
        repair.why
      );
    default:
      return `${repair.package} ${repair.change}: ${repair.why}`;
  }
}
