import { AxhwError } from '../errors.js';
import { expandList } from '../util/value-list.js';

/** One swept name and its values: `k=2..8`, `k=2,4,6`, `mbits=4..12`. */
export interface SweepAxis {
  name: string;
  values: (number | string)[];
}

export function parseSweep(spec: string): SweepAxis {
  const m = /^\s*([A-Za-z][\w-]*)\s*=\s*(.+)$/.exec(spec);
  if (!m)
    throw new AxhwError(
      `--sweep '${spec}' is not name=values.`,
      'Write e.g. --sweep k=2..8, --sweep k=2,4,8 or --sweep rounding=rne,trunc.',
    );
  const values = expandList(m[2]);
  if ('error' in values) {
    throw new AxhwError(
      `--sweep '${spec}': ${values.error}.`,
      'Write e.g. --sweep k=2..8 (smaller bound first), --sweep k=2,4,8 or --sweep rounding=rne,trunc.',
    );
  }
  return { name: m[1], values };
}

export { combinations } from '../util/value-list.js';
