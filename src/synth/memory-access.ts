import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Memory accesses counted in an RTL run: every memory instance's write enable and read enables
 * (rtl-templates/ram.v.hbs: `we`, `re<k>`) are probed with the parts' ports (port-trace.ts), and each rising
 * clock edge of the counted work takes the values they held just before it, as the memory's flip-flops (or an
 * SRAM's input registers) do. An access-based memory cost (memory-kinds.ts) multiplies these counts by the
 * energy of each action.
 */
export interface ProbedMemory {
  /** The memory module, and its instance's hierarchical name below the probe wrapper (e.g. `dut.pe_array[0].u.wmem`). */
  module: string;
  path: string;
  /** Read ports: the probe holds `we` at `offset`, then `re0`..`re<reads-1>`. */
  reads: number;
  offset: number;
}

export interface MemoryAccessCount {
  /** The instance below the module (e.g. `pe_array[0].u.wmem`). */
  instance: string;
  module: string;
  /** Clock edges with each read port enabled. */
  reads: number[];
  /** Clock edges with the write port enabled. */
  writes: number;
  /** Clock edges with a write and a read together (a single-port macro would need a second cycle for them). */
  readWrites: number;
  /** Clock edges with no access. */
  idle: number;
}

export interface AccessCounts {
  /** Rising clock edges in the counted work. */
  edges: number;
  memories: MemoryAccessCount[];
}

/** The probe fields of a memory instance (a hierarchical reference each), bit 0 of the first one at `offset`. */
export const memoryProbeFields = (m: Omit<ProbedMemory, 'offset'>): { ref: string; bits: number }[] => [
  { ref: `${m.path}.we`, bits: 1 },
  ...Array.from({ length: m.reads }, (_, k) => ({ ref: `${m.path}.re${k}`, bits: 1 })),
];

const RECORDS_PER_READ = 4096;

/**
 * Count the accesses of `memories` in a probe trace (cosim/module-harness.cpp.hbs: per record a u32 of flags,
 * 1 clock high, 2 a rising edge, 4 the counted work starts here, then `words` u32 of the probe), from the
 * counted work's start; `prefix` is stripped from the instance names.
 */
export function countAccesses(trace: { file: string; words: number }, memories: readonly ProbedMemory[], prefix: string): AccessCounts {
  const recordWords = trace.words + 1;
  const bytes = Buffer.alloc(recordWords * 4 * RECORDS_PER_READ);
  const buffer = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
  const before = new Uint32Array(trace.words);
  const counts = memories.map((m) => ({ reads: new Array<number>(m.reads).fill(0), writes: 0, readWrites: 0, idle: 0 }));
  const bit = (at: number) => (before[at >>> 5]! >>> (at & 31)) & 1;
  let edges = 0;
  let counting = false;
  const fd = openSync(trace.file, 'r');
  try {
    for (;;) {
      const got = readSync(fd, bytes, 0, bytes.length, null);
      const n = Math.floor(got / (recordWords * 4));
      if (n === 0) break;
      for (let k = 0; k < n; k++) {
        const rec = k * recordWords;
        const flags = buffer[rec]!;
        if (flags & 4) counting = true;
        else if (flags & 2 && counting) {
          edges++;
          memories.forEach((m, i) => {
            const c = counts[i]!;
            const we = bit(m.offset);
            let read = 0;
            for (let r = 0; r < m.reads; r++) {
              const re = bit(m.offset + 1 + r);
              c.reads[r]! += re;
              read |= re;
            }
            c.writes += we;
            if (we && read) c.readWrites++;
            if (!we && !read) c.idle++;
          });
        }
        before.set(buffer.subarray(rec + 1, rec + recordWords));
      }
    }
  } finally {
    closeSync(fd);
  }
  return {
    edges,
    memories: memories.map((m, i) => ({ instance: m.path.slice(prefix.length), module: m.module, ...counts[i]! })),
  };
}
