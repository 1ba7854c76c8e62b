import {
  alsoRemoved,
  applyEdits,
  canonicalName,
  ISpecEdits,
  NO_EDITS,
  parseEnvAssignment,
  parseRequirement,
  withoutOrphans
} from '../specEdits';
import { IEnvironmentSpec, IPackage } from '../types';

function pkg(name: string, version: string | null = '1.0'): IPackage {
  return {
    name,
    version,
    reason: 'imported',
    required_by: [],
    imported_as: [name.toLowerCase()],
    installer: 'pip',
    source: { kind: 'index' },
    requires_python: null,
    portability: [],
    reproducible: true
  };
}

function dep(name: string, ...requiredBy: string[]): IPackage {
  return {
    ...pkg(name),
    reason: 'dependency',
    required_by: requiredBy,
    imported_as: []
  };
}

function lockWithExtras(): IPackage[] {
  return [
    pkg('pandas', '2.2.2'),
    dep('numpy', 'pandas', 'scipy'),
    { ...pkg('openpyxl', '3.1.2'), reason: 'implicit', imported_as: [] },
    dep('et_xmlfile', 'openpyxl'),
    pkg('scipy', '1.13.0'),
    dep('python-dateutil', 'pandas'),
    dep('six', 'python-dateutil'),
    dep('from-a-lock')
  ];
}

function inspectedSpec(): IEnvironmentSpec {
  return {
    spec_version: 1,
    source: 'kernel',
    notebook: {
      path: 'analysis.ipynb',
      sha256: '0'.repeat(64),
      kernel_name: 'python3',
      language: 'python',
      cell_count: 3
    },
    python: {
      version: '3.11.2',
      implementation: 'cpython',
      executable: '/usr/bin/python3',
      is_venv: true,
      is_conda: false
    },
    platform: { system: 'Linux', machine: 'x86_64', libc: 'glibc 2.36' },
    packages: [pkg('numpy', '1.26.4'), pkg('Scikit_Learn', '1.4.0')],
    frontend_packages: [],
    imports: [],
    local_modules: [{ module: 'helpers', path: 'helpers.py' }],
    files: ['data/input.csv', 'data/big.parquet'],
    install_commands: [],
    apt_packages: ['libgomp1'],
    env: { MPLBACKEND: 'Agg', LANG: 'C.UTF-8' },
    gpu: { frameworks: [], cuda_wheels: [], devices: [] },
    problems: []
  };
}

function edits(changes: Partial<ISpecEdits>): ISpecEdits {
  return { ...NO_EDITS, ...changes };
}

describe('canonicalName', () => {
  it('normalises names the way pip compares them (PEP 503)', () => {
    expect(canonicalName('Scikit_Learn')).toBe('scikit-learn');
    expect(canonicalName(' zope.Interface ')).toBe('zope-interface');
    expect(canonicalName('a-_.b')).toBe('a-b');
  });
});

describe('parseRequirement', () => {
  it('reads a bare name: the server picks the version', () => {
    expect(parseRequirement('requests')).toEqual({
      name: 'requests',
      version: null
    });
  });

  it('reads name==version and name version', () => {
    expect(parseRequirement('pandas==2.2.1')).toEqual({
      name: 'pandas',
      version: '2.2.1'
    });
    expect(parseRequirement('  pandas == 2.2.1  ')).toEqual({
      name: 'pandas',
      version: '2.2.1'
    });
    expect(parseRequirement('pandas 2.2.1')).toEqual({
      name: 'pandas',
      version: '2.2.1'
    });
  });

  it('refuses what is not one exact pin', () => {
    for (const text of [
      '',
      '   ',
      '==1.0',
      'pandas>=2',
      'pandas~=2.0',
      'pandas; python_version<"3.12"',
      'pandas 2.2 extra',
      '-e .'
    ]) {
      expect(parseRequirement(text)).toBeNull();
    }
  });
});

describe('parseEnvAssignment', () => {
  it('reads NAME=value, keeping everything after the first =', () => {
    expect(parseEnvAssignment('MPLBACKEND=Agg')).toEqual({
      name: 'MPLBACKEND',
      value: 'Agg'
    });
    expect(parseEnvAssignment(' OPTS = a=b ')).toEqual({
      name: 'OPTS',
      value: ' a=b '
    });
    expect(parseEnvAssignment('EMPTY=')).toEqual({ name: 'EMPTY', value: '' });
  });

  it('refuses names a shell would not accept', () => {
    expect(parseEnvAssignment('NOVALUE')).toBeNull();
    expect(parseEnvAssignment('1ABC=x')).toBeNull();
    expect(parseEnvAssignment('MY-VAR=x')).toBeNull();
    expect(parseEnvAssignment('=x')).toBeNull();
  });
});

describe('applyEdits', () => {
  it('returns the inspected spec unchanged when there are no edits', () => {
    const spec = inspectedSpec();
    expect(applyEdits(spec, NO_EDITS)).toEqual(spec);
  });

  it('never changes the spec it is given', () => {
    const spec = inspectedSpec();
    applyEdits(
      spec,
      edits({
        removed: ['numpy'],
        pins: { 'scikit-learn': '1.5.0' },
        added: [{ name: 'rich', version: null }],
        addedApt: ['git'],
        removedApt: ['libgomp1'],
        env: { LANG: null, NEW: 'x' },
        excludedPaths: ['data/big.parquet']
      })
    );
    expect(spec).toEqual(inspectedSpec());
  });

  it('removes and pins packages by canonical name', () => {
    const result = applyEdits(
      inspectedSpec(),
      edits({ removed: ['numpy'], pins: { 'scikit-learn': '1.5.0' } })
    );
    expect(result.packages.map(p => [p.name, p.version])).toEqual([
      ['Scikit_Learn', '1.5.0']
    ]);
  });

  it('adds user packages, pinned or not, after the inspected ones', () => {
    const result = applyEdits(
      inspectedSpec(),
      edits({
        added: [
          { name: 'rich', version: '13.7.1' },
          { name: 'tqdm', version: null }
        ]
      })
    );
    const [rich, tqdm] = result.packages.slice(2);
    expect(rich).toMatchObject({
      name: 'rich',
      version: '13.7.1',
      reason: 'user',
      edited: true,
      source: { kind: 'index' },
      reproducible: true
    });
    expect(tqdm).toMatchObject({
      name: 'tqdm',
      version: null,
      reason: 'user',
      reproducible: false
    });
  });

  it('does not add a package the spec already has under another spelling', () => {
    const result = applyEdits(
      inspectedSpec(),
      edits({ added: [{ name: 'scikit.learn', version: '0.1' }] })
    );
    expect(result.packages.map(p => p.name)).toEqual(['numpy', 'Scikit_Learn']);
  });

  it('adds a package the user removed and added again', () => {
    const result = applyEdits(
      inspectedSpec(),
      edits({
        removed: ['numpy'],
        added: [{ name: 'numpy', version: '2.0.0' }]
      })
    );
    expect(result.packages.map(p => [p.name, p.version, p.reason])).toEqual([
      ['Scikit_Learn', '1.4.0', 'imported'],
      ['numpy', '2.0.0', 'user']
    ]);
  });

  it('adds and removes system packages without duplicates', () => {
    const result = applyEdits(
      inspectedSpec(),
      edits({ addedApt: ['git', 'libgomp1', 'git'], removedApt: ['libgomp1'] })
    );
    expect(result.apt_packages).toEqual(['git', 'libgomp1']);

    const removedOnly = applyEdits(
      inspectedSpec(),
      edits({ removedApt: ['libgomp1'] })
    );
    expect(removedOnly.apt_packages).toEqual([]);
  });

  it('sets, overrides and removes environment variables', () => {
    const result = applyEdits(
      inspectedSpec(),
      edits({ env: { MPLBACKEND: 'svg', LANG: null, TZ: 'UTC' } })
    );
    expect(result.env).toEqual({ MPLBACKEND: 'svg', TZ: 'UTC' });
  });

  it('leaves excluded data files and local modules out', () => {
    const result = applyEdits(
      inspectedSpec(),
      edits({ excludedPaths: ['data/big.parquet', 'helpers.py'] })
    );
    expect(result.files).toEqual(['data/input.csv']);
    expect(result.local_modules).toEqual([]);
  });
});

describe('removing a package removes what only it needed', () => {
  const names = (packages: IPackage[]) => packages.map(p => p.name);

  it('leaves an inspected lock as it is', () => {
    expect(withoutOrphans(lockWithExtras())).toEqual(lockWithExtras());
  });

  it('drops the dependencies only the removed package needed', () => {
    const spec = { ...inspectedSpec(), packages: lockWithExtras() };
    const result = applyEdits(spec, edits({ removed: ['openpyxl'] }));
    expect(names(result.packages)).toEqual([
      'pandas',
      'numpy',
      'scipy',
      'python-dateutil',
      'six',
      'from-a-lock'
    ]);
  });

  it('keeps shared dependencies, no longer "needed by" the removed one', () => {
    const spec = { ...inspectedSpec(), packages: lockWithExtras() };
    const result = applyEdits(spec, edits({ removed: ['scipy'] }));
    expect(result.packages.find(p => p.name === 'numpy')?.required_by).toEqual([
      'pandas'
    ]);
  });

  it('follows chains and cycles, comparing names canonically', () => {
    const packages = [
      ...lockWithExtras().filter(p => p.name !== 'pandas'),
      dep('Cycle-A', 'SIX', 'cycle_b'),
      dep('cycle_b', 'cycle.a')
    ];
    expect(names(withoutOrphans(packages))).toEqual([
      'numpy',
      'openpyxl',
      'et_xmlfile',
      'scipy',
      'from-a-lock'
    ]);
  });

  it('says what a removal would take with it', () => {
    expect(alsoRemoved(lockWithExtras(), ['pandas'])).toEqual([
      'python-dateutil',
      'six'
    ]);
    expect(alsoRemoved(lockWithExtras(), ['numpy'])).toEqual([]);
  });
});

describe('a picked version', () => {
  const spec = (): IEnvironmentSpec => ({
    ...inspectedSpec(),
    packages: [{ ...pkg('pandas', '2.2.2'), requires_python: '>=3.9' }]
  });

  it("never keeps the inspected version's Requires-Python", () => {
    const result = applyEdits(spec(), edits({ pins: { pandas: '3.0.0' } }));
    expect(result.packages[0]).toMatchObject({
      version: '3.0.0',
      requires_python: null,
      edited: true // the server checks it with that release's own metadata
    });
  });

  it('takes the Requires-Python the package check read for that version', () => {
    const checked = { pandas: { version: '3.0.0', requires_python: '>=3.11' } };
    const result = applyEdits(
      spec(),
      edits({ pins: { pandas: '3.0.0' }, checked })
    );
    expect(result.packages[0].requires_python).toBe('>=3.11');
    const stale = applyEdits(
      spec(),
      edits({ pins: { pandas: '2.3.0' }, checked })
    );
    expect(stale.packages[0].requires_python).toBeNull();
  });

  it('keeps the metadata when the pin is the inspected version', () => {
    const result = applyEdits(spec(), edits({ pins: { pandas: '2.2.2' } }));
    expect(result.packages[0].requires_python).toBe('>=3.9');
    expect(result.packages[0]).not.toHaveProperty('edited');
  });
});
