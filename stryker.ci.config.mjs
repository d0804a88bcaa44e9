// CI's fast mutation sample (npm run mutate:ci): the main configuration on a fixed set of core files,
// failing the run when fewer than 85% of their mutants are killed. `npm run mutate` runs the whole core.
import { readFileSync } from 'node:fs';

const base = JSON.parse(readFileSync(new URL('./stryker.config.json', import.meta.url), 'utf8'));
export default {
  ...base,
  mutate: [
    'src/gen/unit-spec.ts',
    'src/arith/stored-weights.ts',
    'src/arith/fixed-point.ts',
    'src/arith/ntv.ts',
    'src/ir/quantised-network.ts',
  ],
  thresholds: { ...base.thresholds, break: 85 },
  // Every mutant of the sample runs each time (no incremental file), so the gate does not depend on history.
  incremental: false,
  reporters: ['clear-text', 'progress'],
};
