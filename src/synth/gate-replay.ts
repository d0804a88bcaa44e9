import { closeSync, openSync, readSync } from 'node:fs';
import { GateState, popcount, type CompiledNetlist } from './gate-sim.js';
import type { PartReplay, ReplayRun } from './part-replay.js';

/**
 * A part's replay (`part-replay.ts`) evaluated in JavaScript on its compiled netlist (`gate-sim.ts`), one
 * instance per lane, 32 instances per pass: no simulator build. The records are read as the Verilator
 * replay harness reads them and applied in the same order within each one:
 *  1. the clock takes the record's level and the logic settles; flip-flops whose clock function rose
 *     sample their next state from these values (the values from before the edge);
 *  2. the recorded inputs and children's outputs go in (the wrapper's register: at the edge, or by the
 *     load strobe between edges), the sampled states are committed, the logic settles;
 *  3. a clock made by the logic that rose fires, until no clock rises.
 * Before the zero marker (the memory images' load, mostly) only the state matters: where every flip-flop is
 * clocked straight by a replayed clock, the logic settles at rising edges and at the marker only.
 * The first record only sets the part up (its first eval sees no edge, as the RTL run's first did). From
 * the zero marker on, every net's changes from one record to the next are counted and the outputs are
 * compared with the recorded ones: the counts are Verilator's, net by net (test/synth/part-replay.test.ts by
 * hand, test/synth/module-cost.test.ts on a 3-PE NPU).
 */
export interface JsReplayResult {
  /** Per instance (in the order of `offsets`): records read, mismatching evals, the first one. */
  runs: ReplayRun[];
  /** Toggles per netlist bit, summed over the instances. */
  toggles: Map<string, number>;
}

/** The nets (indices into `c.bits`, -1 a constant 0, -2 a constant 1) of the replayed fields, bit by bit. */
function fieldNets(r: PartReplay, c: CompiledNetlist): { inputs: number[]; outputs: number[] } {
  const index = new Map(c.bits.map((b, i) => [b, i]));
  const of = (b: string) => (b === '0' ? -1 : b === '1' ? -2 : index.get(b)!);
  return { inputs: r.inputs.flatMap((f) => f.nets.map(of)), outputs: r.outputs.flatMap((f) => f.nets.map(of)) };
}

/** Replay the instances whose fields start at `offsets` (bits of each record's probe words) of `trace`. */
export function replayPart(
  r: PartReplay,
  c: CompiledNetlist,
  trace: { file: string; words: number },
  offsets: readonly number[],
): JsReplayResult {
  const { inputs, outputs } = fieldNets(r, c);
  const clocks = r.clocks.flatMap((name) => c.inputs.get(name) ?? []).filter((i) => i >= 0);
  const counts = new Float64Array(c.bits.length);
  const runs: ReplayRun[] = [];
  for (let g = 0; g < offsets.length; g += 32) {
    const lanes = offsets.slice(g, g + 32);
    const group = replayGroup(c, trace, lanes, inputs, outputs, clocks, counts);
    runs.push(...group);
  }
  // The first bad output bit, named by its field as the Verilator replay names it.
  for (const run of runs)
    if (run.first) {
      let bit = Number(run.first.output);
      const field = r.outputs.find((f) => (bit -= f.bits) < 0);
      run.first.output = field?.ref ?? run.first.output;
    }
  const toggles = new Map(c.counted.map((i) => [c.bits[i]!, counts[i]!]));
  return { runs, toggles };
}

const RECORDS_PER_READ = 4096;

function replayGroup(
  c: CompiledNetlist,
  trace: { file: string; words: number },
  lanes: readonly number[],
  inputs: readonly number[],
  outputs: readonly number[],
  clocks: readonly number[],
  counts: Float64Array,
): ReplayRun[] {
  const laneMask = lanes.length === 32 ? -1 : (1 << lanes.length) - 1;
  const gates = new GateState(c, laneMask);
  const v = gates.v;
  const before = new Int32Array(c.bits.length); // the nets at the last record's end
  const recordWords = trace.words + 1;
  const buffer = new Uint32Array(recordWords * RECORDS_PER_READ + 1);
  const bytes = new Uint8Array(buffer.buffer);
  const bitOf = (rec: number, at: number) => (buffer[rec + 1 + (at >>> 5)]! >>> (at & 31)) & 1;
  const setInput = (i: number, rec: number, from: Uint32Array) => {
    const n = inputs[i]!;
    if (n < 0) return;
    let w = 0;
    for (let j = 0; j < lanes.length; j++) {
      const at = lanes[j]! + i;
      w |= ((from[rec + 1 + (at >>> 5)]! >>> (at & 31)) & 1) << j;
    }
    v[n] = w;
  };
  // The probe words the inputs were last set from: a block of 32 inputs whose bits no lane's words changed since
  // holds its values (only this sets them), so only the changed blocks are read. A clock is set from the record's
  // flags before this, so its input, if it has one, is always set again.
  const applied = new Uint32Array(trace.words + 2);
  let appliedValid = false;
  const clockInputs = inputs.flatMap((n, i) => (n >= 0 && clocks.includes(n) ? [i] : []));
  const setInputs = (rec: number, from = buffer) => {
    for (let b = 0; b < inputs.length; b += 32) {
      let changed = !appliedValid;
      for (let j = 0; j < lanes.length && !changed; j++) {
        const w = (lanes[j]! + b) >>> 5; // the bits of lane j's block lie in words w and w + 1
        changed = ((from[rec + 1 + w]! ^ applied[w]!) | (w + 1 < trace.words ? from[rec + 2 + w]! ^ applied[w + 1]! : 0)) !== 0;
      }
      if (changed) for (let i = b; i < Math.min(b + 32, inputs.length); i++) setInput(i, rec, from);
    }
    for (const i of clockInputs) setInput(i, rec, from);
    applied.set(from.subarray(rec + 1, rec + 1 + trace.words));
    appliedValid = true;
  };
  // Before the zero marker a record's inputs are put in only when the logic next settles (see below): the last
  // record's, held here, stand for every one since (each record sets every input).
  const held = new Uint32Array(recordWords + 1);
  let holding = false;
  const putHeld = () => {
    if (holding) setInputs(0, held);
    holding = false;
  };
  const runs: ReplayRun[] = lanes.map(() => ({ records: 0, mismatches: 0 }));
  const firstBit = new Int32Array(lanes.length); // per lane, the first bad output bit of the record
  let records = 0;
  let counting = false;
  // Before the zero marker only the state the counted work starts from matters. Where every flip-flop is clocked
  // straight by a replayed clock, that state follows from the inputs at each rising edge alone: the logic is
  // settled there (the sampled next states) and at the marker, and the records between only set the inputs.
  // The settled logic is a function of the inputs and the state (gate-sim.ts refuses loops and latches), so
  // the values at the marker, and every count after it, are those of evaluating every record.
  const clockSet = new Set(clocks);
  const directClocks = c.flops.every((f) => f.clockNet !== undefined && clockSet.has(f.clockNet));
  // Where, moreover, no logic reads the clocks, a new clock level changes nothing the last record settled but the
  // flip-flops' clock values: the settle before an edge (which gives the sampled next states) is that record's.
  const isolatedClocks = directClocks && clocks.every((ck) => !c.readByLogic.has(ck));
  const fd = openSync(trace.file, 'r');
  try {
    for (;;) {
      const got = readSync(fd, bytes, 0, recordWords * 4 * RECORDS_PER_READ, null);
      const n = Math.floor(got / (recordWords * 4));
      if (n === 0) break;
      for (let k = 0; k < n; k++) {
        const rec = k * recordWords;
        const flags = buffer[rec]!;
        if (flags & 4) {
          if (directClocks) {
            putHeld();
            gates.settle();
            gates.fire();
          }
          counting = true;
          before.set(v);
          records++;
          continue;
        }
        const level = flags & 1 ? -1 : 0;
        for (const ck of clocks) v[ck] = level;
        if (!counting && directClocks) {
          // No settle on a low clock: no flip-flop samples, and the next rising edge settles what it samples
          // (each flip-flop's clock value, a copy of its clock pin's net, is all that is brought up to date).
          if (level !== 0) {
            putHeld();
            gates.settle();
          } else gates.followClocks();
          const sampled = gates.triggered() && records > 0;
          held.set(buffer.subarray(rec, rec + recordWords));
          holding = true;
          if (sampled) gates.commit();
          records++;
          continue;
        }
        if (isolatedClocks && records > 0) gates.followClocks();
        else gates.settle();
        // The first eval sees no edge: what it settled is where edges are measured from.
        const sampled = gates.triggered() && records > 0;
        setInputs(rec);
        if (sampled) gates.commit();
        gates.settle();
        gates.fire();
        if (counting) {
          // The outputs against the RTL's, lane by lane (the first differing bit of each lane's first bad eval).
          let bad = 0;
          firstBit.fill(-1);
          for (let o = 0; o < outputs.length; o++) {
            const n = outputs[o]!;
            const have = n === -1 ? 0 : n === -2 ? -1 : v[n]!;
            let want = 0;
            for (let j = 0; j < lanes.length; j++) want |= bitOf(rec, lanes[j]! + inputs.length + o) << j;
            const diff = (have ^ want) & laneMask;
            if (diff === 0) continue;
            for (let j = 0; j < lanes.length; j++) if ((diff >>> j) & 1 && firstBit[j]! < 0) firstBit[j] = o;
            bad |= diff;
          }
          for (let j = 0; j < lanes.length; j++)
            if ((bad >>> j) & 1) {
              const run = runs[j]!;
              run.mismatches++;
              run.first ??= { record: records, output: String(firstBit[j]) };
            }
          for (const i of c.counted) {
            const x = v[i]!;
            const d = (x ^ before[i]!) & laneMask;
            if (d) counts[i] = counts[i]! + popcount(d);
            before[i] = x;
          }
        }
        records++;
      }
      if (n < RECORDS_PER_READ) break;
    }
  } finally {
    closeSync(fd);
  }
  for (const run of runs) run.records = records;
  return runs;
}
