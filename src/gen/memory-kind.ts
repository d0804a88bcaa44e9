/**
 * The kinds a module's memory can be built as (how src/synth/memory-kinds.ts costs it, side by side):
 * GF180MCU SRAM macros, clock-gated flip-flop register files, and flip-flop files clocked every cycle (the
 * upper bound). A PE's and an NPU's memories declare theirs per role, as unit parameters; the Verilog is the
 * same for every kind (every datapath read is synchronous, as a macro's), so only the cost changes.
 */
export const MEMORY_KINDS = ['sram', 'ff-gated', 'ff-ungated'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];
export const DEFAULT_MEMORY_KIND: MemoryKind = 'ff-gated';

/** A unit parameter choosing the kind of the memories of one role. */
export const memoryKindParam = <N extends string>(name: N, what: string) =>
  ({
    name,
    kind: 'enum',
    values: MEMORY_KINDS,
    default: DEFAULT_MEMORY_KIND,
    costOnly: true,
    doc: `kind of the ${what} (costing only): sram (GF180MCU macros), ff-gated (clocked on a write), ff-ungated (upper bound)`,
  }) as const;
