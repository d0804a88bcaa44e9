import { AxhwError } from '../errors.js';

/** The fix every missing or unreadable data file points to. */
export const FETCH_HINT =
  'Run `bash scripts/fetch-data.sh` (apt-get download + dpkg-deb -x into the data cache), or pass your own file with --data-path <file>.';

export function dataError(file: string, problem: string, fix = FETCH_HINT): AxhwError {
  return new AxhwError(`${file}: ${problem}`, fix);
}
