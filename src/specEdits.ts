/**
 * The user's edits of an inspected environment, kept apart from the spec the server returned
 * so that a new inspection keeps them, and applied to it only when a build is requested.
 */
import { IEnvironmentSpec, IPackage } from './types';

export interface IAddedPackage {
  name: string;
  /** null lets the server pick the version. */
  version: string | null;
}

export interface ISpecEdits {
  /** Canonical names of inspected packages the user removed. */
  removed: string[];
  /** New exact versions, by canonical name. */
  pins: { [name: string]: string };
  added: IAddedPackage[];
  addedApt: string[];
  removedApt: string[];
  /** Variables to set; null removes one the inspection found. */
  env: { [name: string]: string | null };
  /** Paths (data files and local modules) the user left out of the image. */
  excludedPaths: string[];
  /**
   * What POST /containerize/package-check answered for a picked version, by canonical name: its
   * own Requires-Python replaces the inspected version's (used only while `version` is the pin).
   */
  checked?: { [name: string]: IPinMetadata };
}

/** A release's own metadata, as the package check read it from the index. */
export interface IPinMetadata {
  version: string;
  requires_python: string | null;
}

export const NO_EDITS: ISpecEdits = {
  removed: [],
  pins: {},
  added: [],
  addedApt: [],
  removedApt: [],
  env: {},
  excludedPaths: []
};

/** PEP 503 normalised name: how pip compares distribution names. */
export function canonicalName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[-_.]+/g, '-');
}

/** A requirement typed by the user: `name`, `name==1.2` or `name 1.2`. */
export function parseRequirement(text: string): IAddedPackage | null {
  const match =
    /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:(?:==|\s)\s*([^\s=<>!~;]+))?\s*$/.exec(
      text
    );
  if (!match) {
    return null;
  }
  return { name: match[1], version: match[2] ?? null };
}

/** An environment variable typed by the user: `NAME=value`. */
export function parseEnvAssignment(
  text: string
): { name: string; value: string } | null {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(text);
  return match ? { name: match[1], value: match[2] } : null;
}

/** The spec a build gets: the inspected one with the user's edits applied. */
export function applyEdits(
  spec: IEnvironmentSpec,
  edits: ISpecEdits
): IEnvironmentSpec {
  const removed = new Set(edits.removed);
  const excluded = new Set(edits.excludedPaths);
  const packages: IPackage[] = withoutOrphans(
    spec.packages.filter(pkg => !removed.has(canonicalName(pkg.name)))
  ).map(pkg => {
    const name = canonicalName(pkg.name);
    const pin = edits.pins[name];
    if (pin === undefined || pin === pkg.version) {
      return pkg;
    }
    // Never the inspected version's Requires-Python on another version: the check's, else unknown.
    const checked = edits.checked?.[name];
    const requiresPython =
      checked && checked.version === pin ? checked.requires_python : null;
    const edited: IPackage = {
      ...pkg,
      version: pin,
      requires_python: requiresPython,
      edited: true
    };
    return edited;
  });
  const present = new Set(packages.map(pkg => canonicalName(pkg.name)));
  for (const added of edits.added) {
    if (!present.has(canonicalName(added.name))) {
      packages.push(userPackage(added));
    }
  }

  const removedApt = new Set(edits.removedApt);
  const apt = spec.apt_packages.filter(name => !removedApt.has(name));
  for (const name of edits.addedApt) {
    if (!apt.includes(name)) {
      apt.push(name);
    }
  }

  const env: { [name: string]: string } = { ...spec.env };
  for (const [name, value] of Object.entries(edits.env)) {
    if (value === null) {
      delete env[name];
    } else {
      env[name] = value;
    }
  }

  return {
    ...spec,
    packages,
    apt_packages: apt,
    env,
    files: spec.files.filter(path => !excluded.has(path)),
    local_modules: spec.local_modules.filter(mod => !excluded.has(mod.path))
  };
}

/**
 * The packages without the `dependency` pins that no kept root (imported, runtime, implicit,
 * requested or user package) reaches through `required_by` any more, and without removed names
 * in the kept ones' `required_by`: removing a package removes what only it needed. The server
 * does the same (inspect/spec_edits.py). A dependency with no `required_by` is kept.
 */
export function withoutOrphans(packages: IPackage[]): IPackage[] {
  const children = new Map<string, string[]>();
  for (const pkg of packages) {
    for (const parent of pkg.required_by) {
      const key = canonicalName(parent);
      children.set(key, [
        ...(children.get(key) ?? []),
        canonicalName(pkg.name)
      ]);
    }
  }
  const queue = packages
    .filter(pkg => pkg.reason !== 'dependency' || pkg.required_by.length === 0)
    .map(pkg => canonicalName(pkg.name));
  const reached = new Set(queue);
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as string) ?? []) {
      if (!reached.has(child)) {
        reached.add(child);
        queue.push(child);
      }
    }
  }
  return packages
    .filter(pkg => reached.has(canonicalName(pkg.name)))
    .map(pkg => {
      const requiredBy = pkg.required_by.filter(name =>
        reached.has(canonicalName(name))
      );
      return requiredBy.length === pkg.required_by.length
        ? pkg
        : { ...pkg, required_by: requiredBy };
    });
}

/** Names of the packages that removing `names` would remove too (what only they needed). */
export function alsoRemoved(packages: IPackage[], names: string[]): string[] {
  const removed = new Set(names.map(canonicalName));
  const kept = new Set(
    withoutOrphans(
      packages.filter(pkg => !removed.has(canonicalName(pkg.name)))
    ).map(pkg => canonicalName(pkg.name))
  );
  return packages
    .filter(pkg => {
      const name = canonicalName(pkg.name);
      return !removed.has(name) && !kept.has(name);
    })
    .map(pkg => pkg.name);
}

function userPackage(added: IAddedPackage): IPackage {
  const pkg: IPackage = {
    name: added.name,
    version: added.version,
    reason: 'user',
    required_by: [],
    imported_as: [],
    installer: null,
    source: { kind: 'index' },
    requires_python: null,
    portability: [],
    reproducible: added.version !== null,
    edited: true
  };
  return pkg;
}
