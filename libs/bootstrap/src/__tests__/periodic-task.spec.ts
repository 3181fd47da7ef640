import { createLogger } from '@vigil/logging';
import { PeriodicTask } from '../periodic-task';

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function controlled() {
    const runs: Array<() => void> = [];
    const fail: Array<(error: Error) => void> = [];
    const run = () =>
      new Promise<void>((resolve, reject) => {
        runs.push(resolve);
        fail.push(reject);
      });
    return { runs, fail, run };
  }

  it('runs at once, then every interval, never two runs at once', async () => {
    const { runs, run } = controlled();
    const task = new PeriodicTask('t', 1000, run, createLogger('test', 'silent'));
    task.start();
    expect(runs).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(3000); // the first run is still going: the ticks are skipped
    expect(runs).toHaveLength(1);
    runs[0]!();
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toHaveLength(2);
    runs[1]!();
    await task.stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(runs).toHaveLength(2);
  });

  it('a failed run is logged and the next tick runs again; stop waits for the run in hand', async () => {
    const { runs, fail, run } = controlled();
    const errors: unknown[] = [];
    const logger = createLogger('test', 'silent');
    jest.spyOn(logger, 'error').mockImplementation((object: unknown) => void errors.push(object));
    const task = new PeriodicTask('retention', 1000, run, logger);
    task.start();
    fail[0]!(new Error('store away'));
    await jest.advanceTimersByTimeAsync(1000);
    expect(errors).toEqual([{ task: 'retention', err: new Error('store away') }]);
    expect(runs).toHaveLength(2);
    let stopped = false;
    const stopping = task.stop().then(() => {
      stopped = true;
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    runs[1]!();
    await stopping;
    expect(stopped).toBe(true);
  });
});
