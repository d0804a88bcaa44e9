import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The temporary folders the tests make (and the processes they start) go under one folder per run,
 * removed when the run ends: a run used to leave about 350 MB in /tmp. AXHW_KEEP_TEST_TMP=1 keeps it, to
 * look at what a failing test wrote. The build cache (AXHW_CACHE_DIR) is set before this and stays.
 */
export default function setup(): (() => void) | undefined {
  // Once per run: every project inherits this setup from the root configuration.
  if (process.env['AXHW_TEST_RUN_TMP']) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'axhw-test-run-'));
  process.env['TMPDIR'] = process.env['AXHW_TEST_RUN_TMP'] = dir;
  return () => {
    if (process.env['AXHW_KEEP_TEST_TMP']) process.stderr.write(`test temporary folders kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  };
}
