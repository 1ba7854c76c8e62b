import { downloadContext } from '../api';
import {
  AUTO_BASE_IMAGE,
  IPanelOptions,
  toBuildOptions
} from '../buildOptions';
import {
  ContextDownload,
  contextRequest,
  defaultContextFileName,
  saveFile
} from '../contextDownload';
import { ResponseError } from '../request';
import { applyEdits, NO_EDITS } from '../specEdits';
import { IEnvironmentSpec } from '../types';

jest.mock('../api', () => ({ downloadContext: jest.fn() }));

const download = downloadContext as unknown as jest.Mock;

const NOTEBOOK = 'work/sales.ipynb';

function options(changes: Partial<IPanelOptions> = {}): IPanelOptions {
  return {
    baseImage: AUTO_BASE_IMAGE,
    customBaseImage: '',
    gpu: 'none',
    target: 'batch',
    tag: 'sales:v1',
    registry: '',
    push: false,
    verify: true,
    k8s: false,
    repair: false,
    repairRounds: 3,
    ...changes
  };
}

function spec(): IEnvironmentSpec {
  const pkg = (name: string, version: string) => ({
    name,
    version,
    reason: 'imported' as const,
    required_by: [],
    imported_as: [name],
    source: { kind: 'index' as const },
    portability: [],
    reproducible: true
  });
  return {
    spec_version: 1,
    source: 'kernel',
    notebook: {
      path: NOTEBOOK,
      sha256: 'abc',
      kernel_name: 'python3',
      language: 'python',
      cell_count: 2
    },
    python: {
      version: '3.11.7',
      implementation: 'CPython',
      executable: '/usr/bin/python3',
      is_venv: true,
      is_conda: false
    },
    platform: { system: 'Linux', machine: 'x86_64', libc: 'glibc 2.36' },
    packages: [pkg('numpy', '1.26.4'), pkg('pandas', '2.2.1')],
    frontend_packages: [],
    imports: [],
    local_modules: [],
    files: ['data.csv'],
    install_commands: [],
    apt_packages: [],
    env: {},
    gpu: { frameworks: [], cuda_wheels: [], devices: [] },
    problems: []
  };
}

beforeEach(() => download.mockReset());

describe('contextRequest', () => {
  it('sends the edited spec and the options exactly as a build would', () => {
    const edited = applyEdits(spec(), {
      ...NO_EDITS,
      removed: ['pandas'],
      pins: { numpy: '2.0.0' }
    });
    const request = contextRequest(NOTEBOOK, edited, options(), 'k1');
    expect(request).toEqual({
      path: NOTEBOOK,
      spec: edited,
      options: toBuildOptions(options(), NOTEBOOK)
    });
    expect(request.options).toEqual({
      target: 'batch',
      verify: true,
      tag: 'sales:v1'
    });
    expect(request.spec?.packages.map(p => `${p.name}==${p.version}`)).toEqual([
      'numpy==2.0.0'
    ]);
  });

  it('lets the server inspect through the kernel when there is no spec yet', () => {
    expect(contextRequest(NOTEBOOK, null, options(), 'k1')).toEqual({
      path: NOTEBOOK,
      kernel_id: 'k1',
      options: toBuildOptions(options(), NOTEBOOK)
    });
    expect(contextRequest(NOTEBOOK, null, options(), null)).not.toHaveProperty(
      'kernel_id'
    );
  });
});

describe('defaultContextFileName', () => {
  it("is the notebook's stem, like the server's name", () => {
    expect(defaultContextFileName('work/sales.ipynb')).toBe(
      'sales-context.tar.gz'
    );
    expect(defaultContextFileName('')).toBe('notebook-context.tar.gz');
  });
});

describe('ContextDownload', () => {
  const blob = new Blob(['gz']);
  const current = () => ({
    spec: spec(),
    options: options(),
    kernelId: 'k1'
  });

  it("saves the server's file under the server's name", async () => {
    download.mockResolvedValueOnce({ blob, fileName: 'sales-context.tar.gz' });
    const save = jest.fn();
    const context = new ContextDownload(NOTEBOOK, current, save);
    const changes: boolean[] = [];
    context.changed.connect(() => changes.push(context.isRunning));
    await context.download();
    expect(download).toHaveBeenCalledWith(
      contextRequest(NOTEBOOK, spec(), options(), 'k1')
    );
    expect(save).toHaveBeenCalledWith(
      { blob, fileName: 'sales-context.tar.gz' },
      'sales-context.tar.gz'
    );
    expect(context.savedAs).toBe('sales-context.tar.gz');
    expect(context.error).toBeNull();
    expect(changes).toEqual([true, false]);
  });

  it('names the file after the notebook when the server gave no name', async () => {
    download.mockResolvedValueOnce({ blob, fileName: null });
    const save = jest.fn();
    await new ContextDownload(NOTEBOOK, current, save).download();
    expect(save.mock.calls[0][1]).toBe('sales-context.tar.gz');
  });

  it("keeps the server's error and saves nothing", async () => {
    download.mockRejectedValueOnce(
      new ResponseError(400, 'Unknown build options: colour.', 'invalid')
    );
    const save = jest.fn();
    const context = new ContextDownload(NOTEBOOK, current, save);
    await context.download();
    expect(save).not.toHaveBeenCalled();
    expect(context.error?.message).toBe('Unknown build options: colour.');
    expect(context.savedAs).toBeNull();
    expect(context.isRunning).toBe(false);
  });
});

describe('saveFile', () => {
  it('clicks a hidden download link to an object URL of the bytes', () => {
    const createObjectURL = jest.fn(() => 'blob:http://localhost/1');
    const revokeObjectURL = jest.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const clicked: HTMLAnchorElement[] = [];
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function (this: HTMLAnchorElement) {
        clicked.push(this);
      });
    jest.useFakeTimers();
    const blob = new Blob(['gz']);
    saveFile(blob, 'sales-context.tar.gz');
    expect(createObjectURL).toHaveBeenCalledWith(blob);
    expect(clicked).toHaveLength(1);
    expect(clicked[0].download).toBe('sales-context.tar.gz');
    expect(clicked[0].href).toBe('blob:http://localhost/1');
    expect(document.body.contains(clicked[0])).toBe(false);
    jest.runAllTimers();
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:http://localhost/1');
    jest.useRealTimers();
    click.mockRestore();
  });
});
