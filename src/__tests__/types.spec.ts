/**
 * The TypeScript shapes of src/types.ts checked against the server's own declarations (the
 * dataclasses of spec.py and server/schemas.py), not copied by hand: a field the server has and
 * the panel's type lacks fails here.
 */
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf-8');

/** Field names of each `@dataclass class Name:` in Python source. */
function dataclassFields(source: string): Map<string, string[]> {
  const classes = new Map<string, string[]>();
  const pattern =
    /@dataclass[^\n]*\nclass (\w+)[^\n]*:\n((?:(?: {4}[^\n]*)?\n)+)/g;
  for (const match of source.matchAll(pattern)) {
    const fields: string[] = [];
    for (const line of match[2].split('\n')) {
      const field = /^ {4}(\w+): /.exec(line);
      if (field && !field[1].startsWith('_')) {
        fields.push(field[1]);
      }
    }
    classes.set(match[1], fields);
  }
  return classes;
}

/** Property names of each `export interface IName {` in TypeScript source. */
function interfaceFields(source: string): Map<string, string[]> {
  const interfaces = new Map<string, string[]>();
  const pattern = /export interface (\w+)[^{]*\{\n([\s\S]*?)\n\}/g;
  for (const match of source.matchAll(pattern)) {
    const fields: string[] = [];
    for (const line of match[2].split('\n')) {
      const field = /^ {2}(\w+)\??:/.exec(line);
      if (field) {
        fields.push(field[1]);
      }
    }
    interfaces.set(match[1], fields);
  }
  return interfaces;
}

const python = new Map([
  ...dataclassFields(read('jupyterlab_containerize/spec.py')),
  ...dataclassFields(read('jupyterlab_containerize/server/schemas.py'))
]);
const typescript = interfaceFields(read('src/types.ts'));

/** The server's class -> the panel's interface. */
const PAIRS: [string, string][] = [
  ['EnvironmentSpec', 'IEnvironmentSpec'],
  ['NotebookInfo', 'INotebookInfo'],
  ['PythonInfo', 'IPythonInfo'],
  ['PlatformInfo', 'IPlatformInfo'],
  ['PackageSource', 'IPackageSource'],
  ['Package', 'IPackage'],
  ['ImportRecord', 'IImportRecord'],
  ['LocalModule', 'ILocalModule'],
  ['InstallCommand', 'IInstallCommand'],
  ['Problem', 'IProblem'],
  ['GpuFramework', 'IGpuFramework'],
  ['GpuDevice', 'IGpuDevice'],
  ['GpuInfo', 'IGpuInfo'],
  ['BuildBody', 'IBuildRequest'],
  ['LockBody', 'ILockRequest']
];

describe('src/types.ts against the server', () => {
  it.each(PAIRS)('%s has every field in %s', (server, panel) => {
    const serverFields = python.get(server);
    const panelFields = typescript.get(panel);
    expect(serverFields?.length).toBeGreaterThan(0);
    expect(panelFields).toBeDefined();
    const missing = serverFields!.filter(f => !panelFields!.includes(f));
    expect(missing).toEqual([]);
  });
});
