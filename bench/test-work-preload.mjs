// Loaded into every Node process of a test run by bench/test-work.mjs (NODE_OPTIONS=--import): when the process
// ends, one JSON line in $AXHW_TEST_WORK_LOG with its arguments, folder, CPU seconds (user + system, all its
// threads: TensorFlow.js's and the layer kernels' included) and wall seconds. It writes nothing else.
import { appendFileSync } from 'node:fs';

const log = process.env.AXHW_TEST_WORK_LOG;
const started = Date.now();
if (log)
  process.on('exit', () => {
    const u = process.cpuUsage();
    const record = {
      argv: process.argv.slice(1).join(' '),
      cwd: process.cwd(),
      cpu: (u.user + u.system) / 1e6,
      wall: (Date.now() - started) / 1000,
    };
    try {
      appendFileSync(log, JSON.stringify(record) + '\n');
    } catch {
      // the run's folder may be gone; the measurement loses one process, the test nothing
    }
  });
