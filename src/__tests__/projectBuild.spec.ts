import { TranslationBundle } from '@jupyterlab/translation';

import { initialOptions, IPanelOptions } from '../buildOptions';
import {
  projectBuildOptions,
  projectBuildRequest,
  projectVerifyRows,
  projectVerifyTitle
} from '../projectBuild';
import { DEFAULT_SETTINGS } from '../settings';

const fill = (text: string, args: unknown[]) =>
  args.reduce<string>((s, a, i) => s.split(`%${i + 1}`).join(String(a)), text);
const trans = {
  __: (msgid: string, ...args: unknown[]) => fill(msgid, args),
  _n: (one: string, many: string, n: number, ...args: unknown[]) =>
    fill(n === 1 ? one : many, [n, ...args])
} as unknown as TranslationBundle;

const options = (changes: Partial<IPanelOptions> = {}): IPanelOptions => ({
  ...initialOptions('book', DEFAULT_SETTINGS),
  ...changes
});

describe('projectBuildRequest', () => {
  it('sends the folder as path, no spec, and the notebook target', () => {
    expect(projectBuildRequest('work/book', options())).toEqual({
      path: 'work/book',
      options: { target: 'notebook', verify: true }
    });
  });

  it('carries tag, base image and verify, and nothing a folder refuses', () => {
    const request = projectBuildOptions(
      options({
        tag: ' book:v1 ',
        baseImage: 'quay.io/jupyter/scipy-notebook:latest',
        verify: true,
        target: 'serve',
        repair: true,
        k8s: true,
        push: true,
        registry: 'ghcr.io/me'
      })
    );
    expect(request).toEqual({
      target: 'notebook',
      verify: true,
      tag: 'book:v1',
      base_image: 'quay.io/jupyter/scipy-notebook:latest'
    });
  });

  it('sends a custom base image trimmed', () => {
    expect(
      projectBuildOptions(
        options({ baseImage: 'custom', customBaseImage: ' python:3.11-slim ' })
      ).base_image
    ).toBe('python:3.11-slim');
  });
});

describe('per-notebook verify', () => {
  const result = {
    notebooks: ['a.ipynb', 'lessons/b.ipynb'],
    verify: {
      passed: false,
      failed: ['lessons/b.ipynb'],
      notebooks: {
        'a.ipynb': { passed: true, cells: [{ index: 0, status: 'passed' }] },
        'lessons/b.ipynb': {
          passed: false,
          cells: [{ index: 1, status: 'failed', error: 'boom' }]
        }
      }
    }
  };

  it('has one row per notebook, failed ones as failed', () => {
    const rows = projectVerifyRows(result);
    expect(rows.map(r => [r.name, r.passed, r.cells.length])).toEqual([
      ['a.ipynb', true, 1],
      ['lessons/b.ipynb', false, 1]
    ]);
    expect(projectVerifyTitle(rows, trans)).toBe(
      'Verify: 1 notebook of 2 differs'
    );
  });

  it('says when all ran as saved, and has no rows for a notebook build', () => {
    const rows = projectVerifyRows({
      verify: {
        notebooks: { 'a.ipynb': { passed: true }, 'b.ipynb': { passed: true } }
      }
    });
    expect(projectVerifyTitle(rows, trans)).toBe(
      'Verify: all 2 notebooks ran as saved'
    );
    expect(projectVerifyRows({ verify: { cells: [], passed: true } })).toEqual(
      []
    );
  });
});
