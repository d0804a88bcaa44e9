import { Worker } from 'node:worker_threads';

/**
 * A worker thread running `code`, CommonJS source, with `workerData`. Its own Node flags are none: a
 * worker inherits the process's flags by default, and one such as --input-type=module (a script run
 * with `node --input-type=module -e`) would make the code ES module source, where `require` is undefined
 * and the worker dies at its first line.
 */
export function evalWorker(code: string, workerData: unknown): Worker {
  return new Worker(code, { eval: true, execArgv: [], workerData });
}
