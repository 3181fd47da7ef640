import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

/**
 * Loaded into a service with `NODE_OPTIONS=--require <this file>` (Node 20 refuses --cpu-prof in NODE_OPTIONS):
 * starts V8's sampling profiler at once and, on SIGUSR2, writes `<VIGIL_BENCH_PROFILE_DIR>/<pid>.cpuprofile`.
 */
const dir = process.env['VIGIL_BENCH_PROFILE_DIR'];
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 1000 }, () => session.post('Profiler.start')));
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
