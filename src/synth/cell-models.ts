import { AxhwError } from '../errors.js';
import { groupsOf, type LibertyGroup } from './liberty.js';
import { sequentialCellModel } from './liberty-function.js';

/**
 * The Verilog models of the cells a netlist uses, prepared for Verilator (zero-delay, two-state):
 * - only the cells used are kept, with their specify blocks removed (timing is not simulated here);
 * - user-defined primitives (UDPs), which Verilator 5.006 cannot parse, become modules: a combinational
 *   UDP's table is turned into a sum of products over its rows that output 1 (rows with an x input never
 *   match in two-state simulation; '?' and 'b' match 0 and 1), after checking that the table defines
 *   every 0/1 input combination exactly once or consistently;
 * - unnamed primitive instances get names (Verilog allows them for UDPs and gates; Verilator needs them
 *   for module instances).
 * A cell built on a sequential UDP (a flip-flop or latch) is replaced by a behavioural model generated
 * from its Liberty `ff` / `latch` group (`liberty-function.ts`) when the Liberty library is given;
 * without it such a cell is refused.
 */
interface Block {
  kind: 'module' | 'primitive';
  name: string;
  text: string;
}

function blocks(text: string): Map<string, Block> {
  const out = new Map<string, Block>();
  const re = /^\s*(module|primitive)\s+([A-Za-z_][\w$]*)[\s\S]*?^\s*end\1\b[^\n]*$/gm;
  for (const m of text.matchAll(re)) out.set(m[2]!, { kind: m[1] as Block['kind'], name: m[2]!, text: m[0].trim() });
  return out;
}

/** A combinational UDP as a module of one assign (two-state). */
export function udpToModule(udp: string, name: string): string {
  const header = /primitive\s+\w+\s*\(([^)]*)\)\s*;/.exec(udp);
  if (!header)
    throw new AxhwError(`UDP ${name}: cannot read its port list.`, 'Give a cell library whose UDPs are standard Verilog primitives.');
  const ports = header[1]!.split(',').map((s) => s.trim());
  const [out, ...ins] = ports as [string, ...string[]];
  if (new RegExp(`\\breg\\s+${out}\\b`).test(udp)) {
    throw new AxhwError(
      `Cell primitive ${name} is sequential (a flip-flop or latch); zero-delay simulation covers combinational netlists so far.`,
      'Use --power propagate for designs with flip-flops.',
    );
  }
  const table = /\btable\b([\s\S]*?)\bendtable\b/.exec(udp)?.[1];
  if (!table) throw new AxhwError(`UDP ${name} has no table.`, 'Give a cell library whose UDPs are standard Verilog primitives.');
  const rows = table
    .split('\n')
    .map((l) => l.replace(/\/\/.*$/, '').trim())
    .filter(Boolean)
    .map((l) => {
      const m = /^([01xX?bB\s]+):\s*([01xX-])\s*;$/.exec(l);
      if (!m)
        throw new AxhwError(
          `UDP ${name}: table row '${l}' is not 'inputs : output ;'.`,
          'Give a cell library whose UDPs are standard Verilog primitives.',
        );
      const inputs = m[1]!.replace(/\s+/g, '').split('');
      if (inputs.length !== ins.length)
        throw new AxhwError(`UDP ${name}: row '${l}' has ${inputs.length} inputs, the primitive ${ins.length}.`, 'Check the cell library.');
      return { inputs, out: m[2]! };
    });
  // Every 0/1 combination must be defined, and consistently: a two-state simulation has no x to fall back on.
  const value: (string | undefined)[] = [];
  for (let combo = 0; combo < 2 ** ins.length; combo++) {
    const bits = ins.map((_, k) => ((combo >> k) & 1 ? '1' : '0'));
    for (const r of rows) {
      if (!r.inputs.every((c, k) => c === '?' || c.toLowerCase() === 'b' || c === bits[k])) continue;
      if (value[combo] !== undefined && value[combo] !== r.out)
        throw new AxhwError(`UDP ${name}: inputs ${bits.join('')} give both ${value[combo]} and ${r.out}.`, 'Check the cell library.');
      value[combo] = r.out;
    }
    if (value[combo] === undefined || !/[01]/.test(value[combo]!)) {
      throw new AxhwError(
        `UDP ${name}: inputs ${ins.map((n, k) => `${n}=${bits[k]}`).join(' ')} have no 0/1 output in its table.`,
        'Zero-delay two-state simulation needs every 0/1 input combination defined.',
      );
    }
  }
  const terms = value.flatMap((v, combo) => (v === '1' ? [ins.map((n, k) => ((combo >> k) & 1 ? n : `~${n}`)).join(' & ')] : []));
  const expr = terms.length ? terms.map((t) => `(${t})`).join(' | ') : "1'b0";
  return `module ${name} (${out}, ${ins.join(', ')});\n  output ${out};\n  input ${ins.join(', ')};\n  assign ${out} = ${expr};\nendmodule`;
}

/** Verilog for the cells used by a netlist, from the library's cell models, ready for Verilator. */
export function cellModelsFor(cellsText: string, used: Iterable<string>, file: string, liberty?: LibertyGroup): string {
  const all = blocks(cellsText);
  const out: string[] = [`// Cell models for zero-delay simulation, from ${file} (specify blocks removed, UDPs as modules).`];
  const udps = new Set<string>();
  for (const cell of [...new Set(used)].sort()) {
    const b = all.get(cell);
    if (!b || b.kind !== 'module')
      throw new AxhwError(`Cell ${cell} has no module in ${file}.`, 'Give the Verilog models of the same library with --cells <file.v>.');
    const sequential = [...b.text.matchAll(/^\s*([A-Za-z_][\w$]*)\s*\(/gm)].some((m) => {
      const u = all.get(m[1]!);
      return u?.kind === 'primitive' && /\breg\b/.test(u.text.split('table')[0]!);
    });
    const libCell = liberty && groupsOf(liberty, 'cell').find((c) => c.names[0] === cell);
    if (sequential && libCell) {
      out.push(sequentialCellModel(libCell));
      continue;
    }
    let k = 0;
    const text = b.text
      .replace(/\bspecify\b[\s\S]*?\bendspecify\b/g, '')
      .replace(/\breg\s+NOTIFIER\s*;/g, '')
      .replace(/^(\s*)([A-Za-z_][\w$]*)\s*\(/gm, (whole, indent: string, prim: string) => {
        const target = all.get(prim);
        if (target?.kind === 'primitive') {
          udps.add(prim);
          return `${indent}${prim} u_${prim}_${k++} (`;
        }
        return whole;
      });
    out.push(text);
  }
  for (const u of [...udps].sort()) out.push(udpToModule(all.get(u)!.text, u));
  return out.join('\n\n') + '\n';
}
