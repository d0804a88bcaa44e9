/**
 * How power is estimated: `sim` counts toggles in a zero-delay simulation of the netlist (the Liberty
 * functions evaluated in JavaScript, or Verilator for cells that does not cover: the same counts);
 * `sim-delay` counts them with the cells' delays (Icarus Verilog), glitches included, on a sample of
 * cycles; `propagate` is OpenSTA's propagation of the input activities.
 */
export const POWER_METHODS = ['sim', 'sim-delay', 'propagate'] as const;
export type PowerMethod = (typeof POWER_METHODS)[number];
