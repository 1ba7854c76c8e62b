import { TranslationBundle } from '@jupyterlab/translation';

import {
  pinsOrigin,
  repairText,
  unmappedModule,
  unmappedModules
} from '../staticPins';
import { IEnvironmentSpec, IProblem, IRepair } from '../types';

const trans = {
  __: (msgid: string, ...args: unknown[]) =>
    args.reduce<string>((s, a, i) => s.replace(`%${i + 1}`, String(a)), msgid)
} as unknown as TranslationBundle;

function spec(changes: Partial<IEnvironmentSpec>): IEnvironmentSpec {
  return {
    spec_version: 1,
    source: 'static',
    as_of: null,
    as_of_source: null,
    notebook: {
      path: 'old.ipynb',
      sha256: 'abc',
      kernel_name: 'python3',
      language: 'python',
      cell_count: 3
    },
    python: {
      version: '3.9.7',
      implementation: 'CPython',
      executable: '',
      is_venv: false,
      is_conda: false
    },
    platform: { system: 'Linux', machine: 'x86_64', libc: 'glibc' },
    packages: [],
    frontend_packages: [],
    imports: [],
    local_modules: [],
    files: [],
    install_commands: [],
    apt_packages: [],
    env: {},
    gpu: { frameworks: [], cuda_wheels: [], devices: [] },
    problems: [],
    ...changes
  };
}

const unmapped = (module: string): IProblem => ({
  kind: 'unmapped-import',
  message: `'import ${module}' has no known package: nothing is installed for it on a guess. If it comes from PyPI, confirm the package name (CLI: --add NAME; panel: add it to the packages).`,
  cell: null
});

describe('pinsOrigin', () => {
  it('says the date of static pins and how it was chosen', () => {
    expect(
      pinsOrigin(
        spec({ as_of: '2021-03-01', as_of_source: 'git-commit' }),
        trans
      )
    ).toBe('Guessed from the code as of 2021-03-01 (its last commit)');
    expect(
      pinsOrigin(
        spec({ as_of: '2020-11-30', as_of_source: 'file-time' }),
        trans
      )
    ).toBe('Guessed from the code as of 2020-11-30 (its file time)');
    expect(
      pinsOrigin(spec({ as_of: '2019-05-02', as_of_source: 'as-of' }), trans)
    ).toBe('Guessed from the code as of 2019-05-02 (given)');
  });

  it('static with no date', () => {
    expect(pinsOrigin(spec({}), trans)).toBe(
      'Guessed from the code; no date to pin versions as of'
    );
  });

  it("a lock: read from the notebook's own", () => {
    expect(pinsOrigin(spec({ source: 'lock' }), trans)).toBe(
      'Read from the lock the notebook carries'
    );
    expect(
      pinsOrigin(
        spec({ source: 'lock', as_of: '2021-03-01', as_of_source: 'lock' }),
        trans
      )
    ).toBe(
      'Read from the lock the notebook carries (guessed from the code as of 2021-03-01)'
    );
  });

  it('nothing to say when an environment answered', () => {
    expect(pinsOrigin(spec({ source: 'kernel' }), trans)).toBeNull();
    expect(pinsOrigin(spec({ source: 'interpreter' }), trans)).toBeNull();
  });
});

describe('unmappedModule', () => {
  it("reads the module from the server's message", () => {
    expect(unmappedModule(unmapped('mystery_lib.sub'))).toBe('mystery_lib.sub');
  });

  it('is null for other problems', () => {
    expect(
      unmappedModule({ kind: 'static-only', message: "'import x'", cell: null })
    ).toBeNull();
    expect(
      unmappedModule({ kind: 'unmapped-import', message: 'no module named' })
    ).toBeNull();
  });

  it('lists each module once, in order', () => {
    expect(
      unmappedModules(
        spec({
          problems: [
            unmapped('zeta'),
            { kind: 'static-only', message: 'code alone' },
            unmapped('alpha'),
            unmapped('zeta')
          ]
        })
      )
    ).toEqual(['zeta', 'alpha']);
  });
});

describe('repairText', () => {
  const repair = (changes: Partial<IRepair>): IRepair => ({
    round: 1,
    cell: 3,
    package: 'pandas',
    change: 'stepped back',
    before: '2.2.2',
    after: '1.5.3',
    why: "cell 3 raised AttributeError inside pandas: 'DataFrame' object has no attribute 'append'",
    ...changes
  });

  it('a version stepped back or forward, with the reason', () => {
    expect(repairText(repair({}), trans)).toBe(
      "pandas stepped back 2.2.2 → 1.5.3: cell 3 raised AttributeError inside pandas: 'DataFrame' object has no attribute 'append'"
    );
    expect(
      repairText(
        repair({ change: 'stepped forward', before: '1.0.0', after: '1.2.0' }),
        trans
      )
    ).toMatch(/^pandas stepped forward 1\.0\.0 → 1\.2\.0: cell 3/);
  });

  it('a package added', () => {
    expect(
      repairText(
        repair({
          package: 'scikit-learn',
          change: 'added',
          before: null,
          after: '1.0.2',
          why: "cell 2 raised ModuleNotFoundError: No module named 'sklearn'"
        }),
        trans
      )
    ).toBe(
      "scikit-learn added (1.0.2): cell 2 raised ModuleNotFoundError: No module named 'sklearn'"
    );
    expect(
      repairText(
        repair({ change: 'added', before: null, after: null, why: 'x' }),
        trans
      )
    ).toBe('pandas added: x');
  });

  it('a change this panel does not know, as it came', () => {
    expect(repairText(repair({ change: 'swapped', why: 'y' }), trans)).toBe(
      'pandas swapped: y'
    );
  });
});
