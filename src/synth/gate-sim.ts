import { groupsOf, type LibertyGroup } from './liberty.js';
import { libertyToJs } from './liberty-function.js';
import type { Netlist, NetlistPort } from './netlist.js';
import type { Stimulus } from './toggle-sim.js';

/**
 * Zero-delay toggle counting in JavaScript, without compiling a simulator: the cells' Liberty `function`s
 * become bitwise expressions over 32-bit words, evaluated in topological order. Each bit of a word is one
 * lane: a cycle of the workload for a combinational netlist (32 cycles per pass, `combinationalToggles`),
 * or one instance of a part replayed eval by eval (`gate-replay.ts`). Rising-edge flip-flops without clear
 * or preset (Liberty `ff` groups clocked on a pin) keep their state beside the nets and sample their next
 * state when their clock rises, as the behavioural models the Verilator simulations use
 * (`liberty-function.ts`). Verilator's counts are the reference (`toggle-sim.ts`, `part-replay.ts`); the
 * tests compare both net by net. What this does not run gets a reason instead, and the Verilator simulation
 * runs: latches, tri-state cells, a combinational loop, and flip-flops with an asynchronous clear or
 * preset or a falling-edge clock (their triggers at a simulation's first eval and a net changing twice
 * within one eval follow Verilator's scheduling, which this does not model: tested to differ).
 */
export interface Flop {
  /** The flip-flop's state (a source of the evaluation, not a net). */
  state: number;
  /** Its clocked_on and next_state functions, evaluated as extra (uncounted) values. */
  clock: number;
  next: number;
  /** The net on its clock pin (`clocked_on` is one rising pin), whose value `clock` copies; absent: a constant. */
  clockNet?: number;
}

export interface CompiledNetlist {
  /** Every net bit (ports, cell pins, assigns), indexed; names starting with NUL are internal values. */
  bits: string[];
  /** The indices of the nets toggles are counted on (every bit but the internal values). */
  counted: number[];
  /** The index of each input port bit, per input port (least significant first; -1: a constant). */
  inputs: Map<string, number[]>;
  flops: Flop[];
  /** The evaluation, in chunks (STATEMENTS_PER_PASS), in topological order; each returns nonzero when a net it drives changed. */
  passes: ((v: Int32Array) => number)[];
  /** The later passes that read a net each pass drives (evaluated again when it changed something). */
  fanout: Int32Array[];
  /** The sources (input bits, children's outputs, flip-flop states: nets no pass drives) and the passes that read each. */
  sources: Int32Array;
  sourceReaders: Int32Array[];
  /** The nets some logic reads, the flip-flops' clock values apart: a clock net outside it drives clock pins only. */
  readByLogic: Set<number>;
}

/** Why a netlist cannot be simulated here (the Verilator simulation then runs), or its compiled form. */
export type CompileResult = { ok: true; net: CompiledNetlist } | { ok: false; why: string };

// V8 optimises small functions: on the demo's 16-PE NPU the replays took 27 s in chunks of 2,000 statements,
// 7 s in chunks of 1,000 and 4.6 s in chunks of 120 to 250.
const STATEMENTS_PER_PASS = 200;
/** Internal values (flip-flop states and functions) are named with a leading NUL, which no net name has. */
const INTERNAL = '\0';

/**
 * The netlist compiled for evaluation. `flops`: simulate flip-flops (default: refuse them, a combinational
 * count); `boxed`: instances of these modules are left out, the listed output pins of each becoming
 * sources the caller sets (a part replayed without its children, `part-replay.ts`).
 */
export function compileNetlist(
  net: Netlist,
  liberty: LibertyGroup,
  o: { flops?: boolean; boxed?: ReadonlyMap<string, readonly string[]> } = {},
): CompileResult {
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
  const sources = new Set<number>();
  for (const p of net.ports) {
    if (p.direction === 'inout') return { ok: false, why: `port ${p.name} is inout` };
    const idx = p.bits.map((b) => (b === '0' || b === '1' ? -1 : bit(b)));
    if (p.direction === 'input') {
      inputs.set(p.name, idx);
      idx.forEach((i) => sources.add(i));
    }
  }
  // Each driven bit: its expression and the bits it reads.
  const drivers = new Map<number, { expr: string; reads: number[] }>();
  const drive = (out: string, expr: string, reads: number[]): string | undefined => {
    if (out === '0' || out === '1') return `a constant ${out} is driven`;
    const o = bit(out);
    if (drivers.has(o) || sources.has(o)) return `net ${out} has more than one driver`;
    drivers.set(o, { expr, reads });
    return undefined;
  };
  const flops: Flop[] = [];
  for (const inst of net.instances) {
    const boxOutputs = o.boxed?.get(inst.cell);
    if (boxOutputs) {
      // A child left out: its outputs are set from outside, bit by bit.
      for (const [pin, b] of Object.entries(inst.pins))
        if (boxOutputs.includes(pin.replace(/\[\d+\]$/, '')) && b !== '0' && b !== '1') {
          const i = bit(b);
          if (drivers.has(i) || sources.has(i)) return { ok: false, why: `net ${b} has more than one driver` };
          sources.add(i);
        }
      continue;
    }
    const cell = cells.get(inst.cell);
    if (!cell) return { ok: false, why: `cell ${inst.cell} is not in the Liberty library` };
    if (groupsOf(cell, 'latch').length || groupsOf(cell, 'statetable').length) return { ok: false, why: `cell ${inst.cell} is a latch` };
    const ff = groupsOf(cell, 'ff')[0];
    if (ff && !o.flops) return { ok: false, why: `cell ${inst.cell} is sequential` };
    let missing: string | undefined;
    // An expression over the instance's pins (and, in a flip-flop, its state variables).
    const states = new Map<string, { expr: string; net: number }>(); // a state variable read is a read of its state
    const over = (fn: string, reads: number[]) =>
      libertyToJs(fn.replace(/^"|"$/g, ''), (p) => {
        const s = states.get(p);
        if (s !== undefined) {
          reads.push(s.net);
          return s.expr;
        }
        const b = inst.pins[p];
        if (b === undefined) return ((missing = p), '0');
        if (b !== '0' && b !== '1') reads.push(bit(b));
        return operand(b);
      });
    if (ff) {
      const [iq, iqn] = ff.names as [string, string | undefined];
      const state = bit(`${INTERNAL}${inst.name}.${iq}`);
      sources.add(state);
      states.set(iq, { expr: `v[${state}]`, net: state });
      if (iqn) states.set(iqn, { expr: `~v[${state}]`, net: state });
      const fn = (k: string) => {
        const text = ff.simple[k];
        const reads: number[] = [];
        const i = bit(`${INTERNAL}${inst.name}.${k}`);
        drivers.set(i, { expr: text === undefined ? '0' : over(text, reads), reads });
        return i;
      };
      const clockedOn = ff.simple.clocked_on?.replace(/^"|"$/g, '').trim();
      if (clockedOn === undefined || ff.simple.next_state === undefined)
        return { ok: false, why: `cell ${inst.cell}: its ff group lacks clocked_on or next_state` };
      if (ff.simple.clear !== undefined || ff.simple.preset !== undefined)
        return { ok: false, why: `cell ${inst.cell} has an asynchronous clear or preset` };
      if (!/^[A-Za-z_]\w*$/.test(clockedOn)) return { ok: false, why: `cell ${inst.cell} is clocked on ${clockedOn}, not a rising pin` };
      const pinNet = inst.pins[clockedOn];
      const clockNet = pinNet !== undefined && pinNet !== '0' && pinNet !== '1' ? bit(pinNet) : undefined;
      flops.push({ state, clock: fn('clocked_on'), next: fn('next_state'), ...(clockNet !== undefined ? { clockNet } : {}) });
    }
    for (const pin of groupsOf(cell, 'pin')) {
      if (pin.simple.direction !== 'output') continue;
      if (pin.simple.three_state !== undefined) return { ok: false, why: `cell ${inst.cell} is tri-state` };
      const fn = pin.simple.function;
      for (const name of pin.names) {
        const out = inst.pins[name];
        if (out === undefined) continue;
        if (fn === undefined) return { ok: false, why: `output ${name} of cell ${inst.cell} has no function` };
        const reads: number[] = [];
        const expr = over(fn, reads);
        if (missing) break;
        const err = drive(out, expr, reads);
        if (err) return { ok: false, why: err };
      }
    }
    if (missing) return { ok: false, why: `pin ${missing} of ${inst.name} (${inst.cell}) is unconnected` };
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
  const passes: ((v: Int32Array) => number)[] = [];
  const passOf = new Int32Array(bits.length).fill(-1); // the pass that drives each net
  const readers = new Map<number, Set<number>>(); // net -> the passes that read it, its own apart
  for (let k = 0; k < order.length; k += STATEMENTS_PER_PASS) {
    const pass = passes.length;
    const chunk = order.slice(k, k + STATEMENTS_PER_PASS);
    for (const o of chunk) passOf[o] = pass;
    for (const o of chunk)
      for (const r of drivers.get(o)!.reads)
        if (passOf[r] !== pass) {
          const set = readers.get(r) ?? new Set<number>();
          readers.set(r, set.add(pass));
        }
    // `c` collects the changed bits of every net the pass drives, so settle can skip the passes nothing changed for.
    const body = chunk.map((o) => `t = ${drivers.get(o)!.expr}; c |= t ^ v[${o}]; v[${o}] = t;`).join('\n');
    passes.push(new Function('v', `let c = 0, t = 0;\n${body}\nreturn c;`) as (v: Int32Array) => number);
  }
  const fanout = passes.map(() => new Set<number>());
  const sourceList: number[] = [];
  const sourceReaders: Int32Array[] = [];
  for (const [net, set] of readers) {
    if (passOf[net]! >= 0) for (const p of set) fanout[passOf[net]!]!.add(p);
    else {
      sourceList.push(net);
      sourceReaders.push(Int32Array.from(set));
    }
  }
  const counted = bits.flatMap((b, i) => (b.startsWith(INTERNAL) ? [] : [i]));
  const clockValues = new Set(flops.map((f) => f.clock));
  const readByLogic = new Set<number>();
  for (const [out, d] of drivers) if (!clockValues.has(out)) for (const r of d.reads) readByLogic.add(r);
  return {
    ok: true,
    net: {
      bits,
      counted,
      inputs,
      flops,
      passes,
      fanout: fanout.map((f) => Int32Array.from(f)),
      sources: Int32Array.from(sourceList),
      sourceReaders,
      readByLogic,
    },
  };
}

/**
 * The values of a compiled netlist in 32 lanes and its flip-flops' edges: `settle` evaluates the logic,
 * the passes whose inputs changed since they last ran (the values are a function of the sources, so a pass
 * none of whose inputs changed would write what it holds), `triggered` finds the flip-flops whose clock rose
 * since it last looked and samples their next states,
 * `commit` stores them, `fire` repeats both until no clock rises (a clock made by the logic).
 */
export class GateState {
  readonly v: Int32Array;
  private readonly prevClock: Int32Array;
  private readonly pending: Int32Array;
  /** The sources' values when the logic last settled, and the passes to run at the next settle. */
  private readonly settledSources: Int32Array;
  private readonly dirty: Uint8Array;

  constructor(
    private readonly c: CompiledNetlist,
    private readonly laneMask = -1,
  ) {
    this.v = new Int32Array(c.bits.length);
    this.prevClock = new Int32Array(c.flops.length);
    this.pending = new Int32Array(c.flops.length);
    this.settledSources = new Int32Array(c.sources.length);
    this.dirty = new Uint8Array(c.passes.length).fill(1);
  }

  /**
   * Bring every net up to date with the sources. Only sources are set from outside (and the flip-flops'
   * clock values by followClocks, to what their pass computes), so the passes to run are those reading a
   * source that changed, and the later ones reading a net that a pass run changed.
   */
  settle(): void {
    const { v, c, dirty, settledSources } = this;
    const { sources, sourceReaders, passes, fanout } = c;
    for (let i = 0; i < sources.length; i++) {
      const x = v[sources[i]!]!;
      if (x === settledSources[i]) continue;
      settledSources[i] = x;
      const r = sourceReaders[i]!;
      for (let j = 0; j < r.length; j++) dirty[r[j]!] = 1;
    }
    for (let k = 0; k < passes.length; k++) {
      if (dirty[k] === 0) continue;
      dirty[k] = 0;
      if (passes[k]!(v) !== 0) {
        const f = fanout[k]!;
        for (let j = 0; j < f.length; j++) dirty[f[j]!] = 1;
      }
    }
  }

  triggered(): boolean {
    const { v, c, prevClock, pending } = this;
    let any = false;
    for (let f = 0; f < c.flops.length; f++) {
      const x = c.flops[f]!;
      const clk = v[x.clock]!;
      const rise = clk & ~prevClock[f]! & this.laneMask;
      prevClock[f] = clk;
      pending[f] = (v[x.state]! & ~rise) | (v[x.next]! & rise);
      if (rise) any = true;
    }
    return any;
  }

  /** Bring each flip-flop's clock value up to its clock pin's net without settling (every flip-flop has a clockNet). */
  followClocks(): void {
    for (const f of this.c.flops) this.v[f.clock] = this.v[f.clockNet!]!;
  }

  commit(): void {
    for (let f = 0; f < this.c.flops.length; f++) this.v[this.c.flops[f]!.state] = this.pending[f]!;
  }

  fire(): void {
    for (let k = 0; this.triggered(); k++) {
      if (k > 64) throw new Error('gate simulation: the flip-flops keep triggering each other (a ring of derived clocks)');
      this.commit();
      this.settle();
    }
  }
}

/** Set bits of a 32-bit word. */
export function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Toggles of every net bit under the stimulus (one input vector per cycle, no clock; `ports` the input
 * ports it drives, checked by `stimulusInputs`), by the netlist's bit names, the first cycle not counted.
 */
export function combinationalToggles(c: CompiledNetlist, ports: NetlistPort[], stim: Stimulus): Map<string, number> {
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
  return new Map(c.counted.map((i) => [c.bits[i]!, counts[i]!]));
}

/**
 * Toggles of every net bit of a clocked netlist under the stimulus, as the Verilator toggle harness drives
 * it (`toggle-sim.ts`): each cycle the inputs go in with the clock low (an eval), then the clock rises (an
 * eval); the first eval sees no edge, and the counts start after the first cycle. One lane.
 */
export function clockedToggles(c: CompiledNetlist, ports: NetlistPort[], stim: Stimulus): Map<string, number> {
  const clock = c.inputs.get(stim.clock ?? '')?.[0];
  if (clock === undefined || clock < 0) throw new Error(`clockedToggles: no clock input ${stim.clock}`);
  const gates = new GateState(c, 1);
  const v = gates.v;
  const before = new Int32Array(c.bits.length);
  const counts = new Float64Array(c.bits.length);
  const inputBits = ports.map((p) => c.inputs.get(p.name)!);
  const count = () => {
    for (const i of c.counted) {
      if ((v[i]! ^ before[i]!) & 1) counts[i] = counts[i]! + 1;
      before[i] = v[i]!;
    }
  };
  const width = ports.length;
  for (let cyc = 0; cyc < stim.cycles; cyc++) {
    inputBits.forEach((bits, k) => {
      const x = stim.values[cyc * width + k]!;
      bits.forEach((b, i) => {
        if (b >= 0) v[b] = Number((x >> BigInt(i)) & 1n);
      });
    });
    v[clock] = 0;
    gates.settle();
    if (cyc === 0) gates.triggered();
    else gates.fire();
    if (cyc > 0) count();
    v[clock] = 1;
    gates.settle();
    gates.fire();
    if (cyc > 0) count();
    else before.set(v);
  }
  return new Map(c.counted.map((i) => [c.bits[i]!, counts[i]!]));
}
