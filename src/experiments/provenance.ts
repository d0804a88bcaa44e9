import type { Provenance } from '../doc/document.js';

/** What every experiment result records about its run (each schema has these fields). */
export interface RunRecord {
  command: string;
  seed: number;
  quick: boolean;
  backend: { name: string; tfjs: string; quantiser: string };
}

/** An experiment document's provenance: its command, backend, seed, and the parameters it names. */
export function experimentProvenance(
  r: RunRecord,
  parameters: Record<string, string | number | boolean> = {},
  seeds = `seed ${r.seed}`,
): Provenance {
  return {
    command: r.command,
    backend: `TensorFlow.js ${r.backend.tfjs}, ${r.backend.name} backend (quantiser: ${r.backend.quantiser})`,
    seeds,
    parameters: { quick: r.quick, ...parameters },
  };
}
