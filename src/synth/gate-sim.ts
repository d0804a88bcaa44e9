import { groupsOf, type LibertyGroup } from './liberty.js';
import { libertyToVerilog } from './liberty-function.js';
import type { Netlist, NetlistPort } from './netlist.js';
import type { Stimulus } from './toggle-sim.js';

/**
 * Zero-delay toggle counting of a combinational netlist in JavaScript, without compiling a simulator:
 * the cells' Liberty `function`s become bitwise expressions over 32-bit words, evaluated in topological
 * order, each bit of a word one cycle of the stimulus (32 cycles per pass). A net's toggles are the
 * cycles whose value differs from the cycle before, the set-up cycle (the first) not counted: what the
 * Verilator toggle simulation (`toggle-sim.ts`, the reference) counts, one eval per cycle, two-state.
 * Used where the netlist is combinational and the stimulus has no clock; anything else (flip-flops,
 * latches, tri-state cells, a loop) gets `undefined` from `compileCombinational`, and the Verilator
 * simulation runs instead.
 */
export interface CombinationalNetlist {
  /** Every net bit (ports, cell pins, assigns), indexed. */
  bits: string[];
  /** The index of each input port bit, per input port (least significant first). */
  inputs: Map<string, number[]>;
  /** The evaluation, in chunks (V8 optimises small functions; a netlist has thousands of cells). */
  passes: ((v: Int32Array) => void)[];
}

/** Why a netlist cannot be simulated here (the Verilator simulation then runs), or its compiled form. */
export type CompileResult = { ok: true; net: CombinationalNetlist } | { ok: false; why: string };

const STATEMENTS_PER_PASS = 2000;

/** A Liberty function of a cell's input pins as a JS expression over `v[...]` (pin -> bit index). */
function jsExpression(fn: string, pinBit: (pin: string) => string): string {
  return libertyToVerilog(fn).replace(/1'b([01])|[A-Za-z_][\w[\]]*/g, (t, c: string | undefined) =>
    c !== undefined ? (c === '1' ? '-1' : '0') : pinBit(t),
  );
}

export function compileCombinational(net: Netlist, liberty: LibertyGroup): CompileResult {
  const cells = new Map(groupsOf(liberty, 'cell').map((c) => [c.names[0]!, c]));
  const index = new Map<string, number>();
  const bits: string[] = [];
  const bit = (b: string) => {
    let i = index.get(b);
    if (i === undefined) {
      index.set(b, (i = bits.length));
      bits.push(b);
    }
    return i;
  };
  const operand = (b: string) => (b === '0' ? '0' : b === '1' ? '-1' : `v[${bit(b)}]`);
  const inputs = new Map<string, number[]>();
  const inputBits = new Set<number>();
  for (const p of net.ports) {
    if (p.direction === 'inout') return { ok: false, why: `port ${p.name} is inout` };
    const idx = p.bits.map((b) => (b === '0' || b === '1' ? -1 : bit(b)));
    if (p.direction === 'input') {
      inputs.set(p.name, idx);
      idx.forEach((i) => inputBits.add(i));
    }
  }
  // Each driven bit: its expression and the bits it reads.
  const drivers = new Map<number, { expr: string; reads: number[] }>();
  const drive = (out: string, expr: string, reads: number[]): string | undefined => {
    if (out === '0' || out === '1') return `a constant ${out} is driven`;
    const o = bit(out);
    if (drivers.has(o) || inputBits.has(o)) return `net ${out} has more than one driver`;
    drivers.set(o, { expr, reads });
    return undefined;
  };
  for (const inst of net.instances) {
    const cell = cells.get(inst.cell);
    if (!cell) return { ok: false, why: `cell ${inst.cell} is not in the Liberty library` };
    if (groupsOf(cell, 'ff').length || groupsOf(cell, 'latch').length || groupsOf(cell, 'statetable').length)
      return { ok: false, why: `cell ${inst.cell} is sequential` };
    for (const pin of groupsOf(cell, 'pin')) {
      if (pin.simple.direction !== 'output') continue;
      if (pin.simple.three_state !== undefined) return { ok: false, why: `cell ${inst.cell} is tri-state` };
      const fn = pin.simple.function;
      for (const name of pin.names) {
        const out = inst.pins[name];
        if (out === undefined) continue;
        if (fn === undefined) return { ok: false, why: `output ${name} of cell ${inst.cell} has no function` };
        const reads: number[] = [];
        let missing: string | undefined;
        const expr = jsExpression(fn.replace(/^"|"$/g, ''), (p) => {
          const b = inst.pins[p];
          if (b === undefined) return ((missing = p), '0');
          if (b !== '0' && b !== '1') reads.push(bit(b));
          return operand(b);
        });
        if (missing) return { ok: false, why: `pin ${missing} of ${inst.name} (${inst.cell}) is unconnected` };
        const err = drive(out, expr, reads);
        if (err) return { ok: false, why: err };
      }
    }
  }
  for (const [l, r] of net.assigns) {
    const err = drive(l, operand(r), r === '0' || r === '1' ? [] : [bit(r)]);
    if (err) return { ok: false, why: err };
  }
  // Topological order (iterative depth-first search; a cycle is a combinational loop).
  const order: number[] = [];
  const state = new Uint8Array(bits.length); // 0 new, 1 on the stack, 2 done
  for (const start of drivers.keys()) {
    if (state[start]) continue;
    const stack: [number, number][] = [[start, 0]];
    state[start] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const reads = drivers.get(top[0])?.reads ?? [];
      if (top[1] < reads.length) {
        const next = reads[top[1]++]!;
        if (state[next] === 1) return { ok: false, why: `a combinational loop runs through net ${bits[next]}` };
        if (state[next] === 0) {
          state[next] = 1;
          stack.push([next, 0]);
        }
      } else {
        state[top[0]] = 2;
        if (drivers.has(top[0])) order.push(top[0]);
        stack.pop();
      }
    }
  }
  const passes: ((v: Int32Array) => void)[] = [];
  for (let k = 0; k < order.length; k += STATEMENTS_PER_PASS) {
    const body = order
      .slice(k, k + STATEMENTS_PER_PASS)
      .map((o) => `v[${o}] = ${drivers.get(o)!.expr};`)
      .join('\n');
    passes.push(new Function('v', body) as (v: Int32Array) => void);
  }
  return { ok: true, net: { bits, inputs, passes } };
}

/** Set bits of a 32-bit word. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Toggles of every net bit under the stimulus (one input vector per cycle, no clock; `ports` the input
 * ports it drives, checked by `stimulusInputs`), by the netlist's bit names, the first cycle not counted.
 */
export function combinationalToggles(c: CombinationalNetlist, ports: NetlistPort[], stim: Stimulus): Map<string, number> {
  if (stim.clock) throw new Error('combinationalToggles: a clocked stimulus needs the Verilator simulation');
  const n = stim.cycles;
  const width = ports.length;
  // Each port's values as two 32-bit halves, so a pass reads numbers, not BigInts.
  const lo = ports.map(() => new Int32Array(n));
  const hi = ports.map(() => new Int32Array(n));
  for (let cyc = 0; cyc < n; cyc++)
    for (let k = 0; k < width; k++) {
      const x = stim.values[cyc * width + k]!;
      lo[k]![cyc] = Number(x & 0xffffffffn) | 0;
      hi[k]![cyc] = Number(x >> 32n) | 0;
    }
  const inputBits = ports.map((p) => c.inputs.get(p.name)!);
  const v = new Int32Array(c.bits.length);
  const last = new Int32Array(c.bits.length);
  const counts = new Float64Array(c.bits.length);
  for (let base = 0; base < n; base += 32) {
    const lanes = Math.min(32, n - base);
    ports.forEach((_, k) => {
      inputBits[k]!.forEach((b, i) => {
        if (b < 0) return;
        const src = i < 32 ? lo[k]! : hi[k]!;
        const sh = i & 31;
        let w = 0;
        for (let j = 0; j < lanes; j++) w |= ((src[base + j]! >>> sh) & 1) << j;
        v[b] = w;
      });
    });
    for (const pass of c.passes) pass(v);
    // Lanes past the stimulus's end do not count; the very first cycle only sets the circuit up.
    const mask = (lanes === 32 ? -1 : (1 << lanes) - 1) & (base === 0 ? ~1 : -1);
    const lastLane = lanes - 1;
    for (let i = 0; i < v.length; i++) {
      const w = v[i]!;
      counts[i] = counts[i]! + popcount((w ^ ((w << 1) | last[i]!)) & mask);
      last[i] = (w >>> lastLane) & 1;
    }
  }
  return new Map(c.bits.map((b, i) => [b, counts[i]!]));
}
