// Preloaded into the daemon by bench/tail with BENCH_TAIL_PROFILE=DIR (`--cpu-prof` is not allowed in NODE_OPTIONS
// on Node 20): profiles `pocket __daemon` from start to exit and writes DIR/daemon-<pid>.cpuprofile. bench/cockpit
// preloads it into `pocket status` the same way (BENCH_COCKPIT_PROFILE_DIR, DIR/cockpit-<pid>.cpuprofile).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const profiled = [
  { dir: process.env.BENCH_TAIL_PROFILE_DIR, command: '__daemon', name: 'daemon' },
  { dir: process.env.BENCH_COCKPIT_PROFILE_DIR, command: 'status', name: 'cockpit' },
].find((p) => p.dir && process.argv.includes(p.command));
if (profiled !== undefined) {
  const { dir, name } = profiled;
  const session = new Session();
  session.connect();
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.enable');
  session.post('Profiler.start');
  // The in-thread inspector session answers synchronously, so this works in an exit handler.
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
