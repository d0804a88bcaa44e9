/**
 * The kinds of memory a module's memories are costed as, side by side (`npu cost` reports all three; the PE's
 * and NPU's parameters choose one per memory role for the totals, src/gen/memory-kind.ts):
 *
 * - `sram`: GF180MCU SRAM macro tiles (platforms/gf180mcu/sram, tt corner, 1.8 V; sram-array.ts), charged per
 *   counted access from the foundry's Liberty. The macros read synchronously, as the NPU's datapath does.
 * - `ff-gated`: a flip-flop register file of the memory's own size (in banks of at most 512 words) whose words are
 *   clocked only when written (rtl-templates/ram.v.hbs, gated), synthesized by this flow and simulated at gate
 *   level per action.
 * - `ff-ungated`: the upper bound: a flip-flop file clocked every cycle, every bit costed every cycle under the
 *   reference file's workload of a write and reads in every cycle (memory-cost.ts).
 *
 * The access-based kinds cost `cycles x idle + reads x read + writes x write + leakage x time`, where `read`
 * and `write` are what a cycle with that access costs over an idle one; reads are the datapath port's (the
 * host port's reads check a load and are not counted).
 */
import { MEMORY_KINDS, type MemoryKind } from '../gen/memory-kind.js';

export { MEMORY_KINDS, DEFAULT_MEMORY_KIND, type MemoryKind } from '../gen/memory-kind.js';

/** What a cost's totals assume: one kind for every memory, or `mixed` where a module's roles differ. */
export const TOTALS_MEMORY_KINDS = [...MEMORY_KINDS, 'mixed'] as const;
export type TotalsMemoryKind = (typeof TOTALS_MEMORY_KINDS)[number];

export const MEMORY_KIND_METHODS: Record<MemoryKind, string> = {
  sram:
    'GF180MCU SRAM macro tiles (tt, 1.8 V) per counted access: foundry Liberty read / write / disabled energies, leakage, area ' +
    '(bank multiplexer not costed)',
  'ff-gated':
    'flip-flop register file of the memory size (banks of at most 512 words), each word clocked only when written, ' +
    'synthesized and simulated at gate level per action (idle, read, write), charged per counted access (bank multiplexer not costed)',
  'ff-ungated':
    'upper bound: flip-flop register file clocked every cycle, every bit every cycle at the reference file workload ' +
    '(a write and reads each cycle)',
};

/** Each kind in a few words, for sentences. */
export const MEMORY_KIND_WORDS: Record<MemoryKind, string> = {
  sram: 'GF180MCU SRAM macros',
  'ff-gated': 'clock-gated register files',
  'ff-ungated': 'register files clocked every cycle (the upper bound)',
};
