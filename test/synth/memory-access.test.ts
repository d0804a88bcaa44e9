import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { countAccesses, memoryProbeFields } from '../../src/synth/memory-access.js';

/**
 * Access counting on a hand-written probe trace (cosim/module-harness.cpp.hbs records: flags, then the probe
 * words): each rising edge of the counted work takes the enables as they were before it.
 */
describe('memory accesses from a probe trace', () => {
  const LOW = 0;
  const EDGE = 3; // clock high, a rising edge
  const ZERO = 4;
  /** Two memories: A (one read port) at bit 0 (we, re0), B (two) at bit 2 (we, re0, re1). */
  const memories = [
    { module: 'ram_a', path: 'dut.a', reads: 1, offset: 0 },
    { module: 'ram_b', path: 'dut.u.b', reads: 2, offset: 2 },
  ];
  const bits = (aWe: number, aRe: number, bWe: number, bRe0: number, bRe1: number) =>
    aWe | (aRe << 1) | (bWe << 2) | (bRe0 << 3) | (bRe1 << 4);

  it('counts reads per port, writes, reads with writes and idle edges after the counted work starts', () => {
    const records: [number, number][] = [
      [LOW, bits(1, 1, 1, 1, 1)],
      [EDGE, bits(1, 1, 1, 1, 1)], // before the counted work: not counted
      [ZERO, bits(1, 1, 1, 1, 1)],
      [LOW, bits(0, 1, 1, 0, 0)],
      [EDGE, bits(1, 0, 0, 1, 1)], // takes A read, B write (the values before the edge)
      [LOW, bits(1, 1, 0, 0, 1)],
      [EDGE, bits(0, 0, 0, 0, 0)], // A read + write, B read on port 1
      [LOW, bits(0, 0, 0, 0, 0)],
      [EDGE, bits(1, 1, 1, 1, 1)], // both idle
      [LOW, bits(0, 0, 1, 1, 0)],
      [EDGE, bits(0, 0, 0, 0, 0)], // B read + write
      [LOW, bits(0, 0, 0, 0, 0)], // no edge after it: nothing
    ];
    const work = mkdtempSync(join(tmpdir(), 'axhw-access-test-'));
    try {
      const file = join(work, 'probe.bin');
      writeFileSync(file, Buffer.from(new Uint32Array(records.flat()).buffer));
      const c = countAccesses({ file, words: 1 }, memories, 'dut.');
      expect(c.edges).toBe(4);
      expect(c.memories).toEqual([
        { instance: 'a', module: 'ram_a', reads: [2], writes: 1, readWrites: 1, idle: 2 },
        { instance: 'u.b', module: 'ram_b', reads: [1, 1], writes: 2, readWrites: 1, idle: 1 },
      ]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("probes a memory's write enable, then each read port's enable, by hierarchical name", () => {
    expect(memoryProbeFields({ module: 'ram_b', path: 'dut.u.b', reads: 2 })).toEqual([
      { ref: 'dut.u.b.we', bits: 1 },
      { ref: 'dut.u.b.re0', bits: 1 },
      { ref: 'dut.u.b.re1', bits: 1 },
    ]);
  });
});
