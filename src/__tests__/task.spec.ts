import { ResponseError } from '../request';
import { Task } from '../task';

describe('Task', () => {
  it('runs, keeps the result and says when it changed', async () => {
    const task = new Task<number>();
    const changes: boolean[] = [];
    task.changed.connect(() => changes.push(task.isRunning));
    expect(await task.execute(async () => 42)).toBe(true);
    expect(task.result).toBe(42);
    expect(task.error).toBeNull();
    expect(changes).toEqual([true, false]);
    task.dispose();
  });

  it('keeps a failure as a ResponseError and clears it on the next run', async () => {
    const task = new Task<number>();
    expect(
      await task.execute(async () => {
        throw new ResponseError(409, 'busy', 'conflict', 'wait');
      })
    ).toBe(false);
    expect(task.error?.code).toBe('conflict');
    await task.execute(async () => 1);
    expect(task.error).toBeNull();
    task.dispose();
  });

  it('ignores a run while one runs when it does not supersede', async () => {
    const task = new Task<number>({ supersede: false });
    let release!: (n: number) => void;
    const first = task.execute(() => new Promise<number>(r => (release = r)));
    expect(await task.execute(async () => 2)).toBe(false);
    release(1);
    expect(await first).toBe(true);
    expect(task.result).toBe(1);
    task.dispose();
  });

  it('drops what a run answers after reset or dispose', async () => {
    const task = new Task<number>();
    let release!: (n: number) => void;
    const run = task.execute(() => new Promise<number>(r => (release = r)));
    task.reset();
    expect(task.isRunning).toBe(false);
    release(5);
    expect(await run).toBe(false);
    expect(task.result).toBeNull();
    task.dispose();
    expect(await task.execute(async () => 3)).toBe(false);
  });
});
