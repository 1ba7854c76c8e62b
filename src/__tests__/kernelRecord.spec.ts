import { TranslationBundle } from '@jupyterlab/translation';

import { getRecording, startRecording } from '../api';
import {
  formatClock,
  KernelRecording,
  recordingText,
  recordStep,
  restartEnded
} from '../kernelRecord';
import { ResponseError } from '../request';
import { IRecordStatus } from '../types';

jest.mock('../api', () => ({
  getRecording: jest.fn(),
  startRecording: jest.fn()
}));

const postApi = startRecording as unknown as jest.Mock;
const getApi = getRecording as unknown as jest.Mock;

const fill = (text: string, args: unknown[]) =>
  args.reduce<string>((s, a, i) => s.split(`%${i + 1}`).join(String(a)), text);
const trans = {
  __: (msgid: string, ...args: unknown[]) => fill(msgid, args),
  _n: (one: string, many: string, n: number, ...args: unknown[]) =>
    fill(n === 1 ? one : many, [n, ...args])
} as unknown as TranslationBundle;

const at = (h: number, m: number) =>
  new Date(2026, 11, 2, h, m).getTime() / 1000;

const RECORDING: IRecordStatus = {
  recording: true,
  since: at(10, 42),
  counts: { files: 12, folders: 2, written: 1, commands: 3, modules: 1 },
  dropped: {}
};

describe('recordingText', () => {
  it('says since when and how much, with plurals', () => {
    expect(recordingText(RECORDING, trans)).toBe(
      'Recording what the kernel touches since 10:42 — 12 files, 3 programs, 1 module'
    );
  });

  it('is null when the kernel does not record, or nothing is known', () => {
    expect(recordingText({ recording: false }, trans)).toBeNull();
    expect(recordingText(null, trans)).toBeNull();
  });

  it('counts missing fields as none and leaves out an unknown start', () => {
    expect(
      recordingText({ recording: true, counts: { files: 1 } }, trans)
    ).toBe('Recording what the kernel touches — 1 file, 0 programs, 0 modules');
  });

  it('formats the local clock with two digits', () => {
    expect(formatClock(at(9, 5))).toBe('09:05');
  });
});

describe('when to POST', () => {
  it('posts once per kernel, then reads the counts', () => {
    expect(recordStep(true, 'k1', null)).toBe('post');
    expect(recordStep(true, 'k1', 'k1')).toBe('get');
    expect(recordStep(true, 'k2', 'k1')).toBe('post');
  });

  it('never asks when the setting is off or no kernel runs', () => {
    expect(recordStep(false, 'k1', null)).toBe('none');
    expect(recordStep(true, null, null)).toBe('none');
  });

  it('sees the end of a restart', () => {
    expect(restartEnded('restarting', 'idle')).toBe(true);
    expect(restartEnded('autorestarting', 'idle')).toBe(true);
    expect(restartEnded('busy', 'idle')).toBe(false);
    expect(restartEnded('restarting', 'starting')).toBe(false);
  });
});

describe('KernelRecording', () => {
  const made: KernelRecording[] = [];
  const create = (enabled: () => boolean): KernelRecording => {
    const recording = new KernelRecording(enabled);
    made.push(recording);
    return recording;
  };

  beforeEach(() => {
    postApi.mockReset();
    getApi.mockReset();
  });

  afterEach(() => made.splice(0).forEach(r => r.dispose()));

  it('posts for a new kernel, then refreshes with GET', async () => {
    postApi.mockResolvedValue(RECORDING);
    getApi.mockResolvedValue({ ...RECORDING, counts: { files: 13 } });
    const recording = create(() => true);
    await recording.sync('k1');
    expect(postApi).toHaveBeenCalledWith('k1');
    expect(recording.status).toEqual(RECORDING);
    await recording.sync('k1');
    expect(postApi).toHaveBeenCalledTimes(1);
    expect(getApi).toHaveBeenCalledWith('k1');
    expect(recording.status?.counts?.files).toBe(13);
  });

  it('never posts and shows nothing when off', async () => {
    let enabled = false;
    const recording = create(() => enabled);
    await recording.sync('k1');
    expect(postApi).not.toHaveBeenCalled();
    expect(recording.status).toBeNull();
    enabled = true;
    postApi.mockResolvedValue(RECORDING);
    await recording.sync('k1');
    expect(postApi).toHaveBeenCalledTimes(1);
    enabled = false;
    expect(recording.status).toBeNull();
  });

  it('a busy kernel (502) is tried again with POST, without an error', async () => {
    postApi.mockRejectedValueOnce(
      new ResponseError(502, 'The kernel is busy.', 'probe-failed')
    );
    const recording = create(() => true);
    await recording.sync('k1');
    expect(recording.status).toBeNull();
    postApi.mockResolvedValue(RECORDING);
    await recording.sync('k1');
    expect(postApi).toHaveBeenCalledTimes(2);
    expect(recording.status?.recording).toBe(true);
  });

  it('forgets the old kernel when the notebook has none', async () => {
    postApi.mockResolvedValue(RECORDING);
    const recording = create(() => true);
    await recording.sync('k1');
    await recording.sync(null);
    expect(recording.status).toBeNull();
  });
});
