import { AxhwError } from '../errors.js';
import { groupsOf, type LibertyGroup } from './liberty.js';

/**
 * Liberty Boolean functions (the `function`, `next_state`, `clocked_on`, `clear`, `preset` attributes) as
 * Verilog expressions. Grammar (Liberty reference, pin function): `!x` and `x'` are NOT, `&`, `*` and
 * juxtaposition are AND, `|` and `+` are OR, `^` is XOR, with the precedence NOT > AND > XOR > OR, and
 * parentheses; `0` and `1` are constants.
 */
export function libertyToVerilog(expr: string): string {
  const toks = expr.match(/[A-Za-z_][\w[\]]*|[!'&*|+^()01]/g) ?? [];
  if (toks.join('') !== expr.replace(/\s+/g, ''))
    throw new AxhwError(
      `Liberty function '${expr}' has characters outside its grammar.`,
      'Check the function attributes of the Liberty file.',
    );
  let p = 0;
  const peek = () => toks[p];
  const startsOperand = (t: string | undefined) => t !== undefined && (t === '(' || t === '!' || /^[A-Za-z_01]/.test(t));
  const fail = (why: string): never => {
    throw new AxhwError(`Liberty function '${expr}': ${why}.`, 'Check the function attributes of the Liberty file.');
  };
  const or = (): string => {
    let l = xor();
    while (peek() === '|' || peek() === '+') {
      p++;
      l = `(${l} | ${xor()})`;
    }
    return l;
  };
  const xor = (): string => {
    let l = and();
    while (peek() === '^') {
      p++;
      l = `(${l} ^ ${and()})`;
    }
    return l;
  };
  const and = (): string => {
    let l = unary();
    for (;;) {
      if (peek() === '&' || peek() === '*') p++;
      else if (!startsOperand(peek())) return l;
      l = `(${l} & ${unary()})`;
    }
  };
  const unary = (): string => {
    if (peek() === '!') {
      p++;
      return `~${unary()}`;
    }
    let v: string;
    const t = toks[p++];
    if (t === undefined) return fail('it ends where an operand is expected');
    if (t === '(') {
      v = or();
      if (toks[p++] !== ')') fail("a '(' is not closed");
      v = `(${v})`;
    } else if (t === '0' || t === '1') v = `1'b${t}`;
    else if (/^[A-Za-z_]/.test(t)) v = t;
    else return fail(`'${t}' where an operand is expected`);
    while (peek() === "'") {
      p++;
      v = `~${v}`;
    }
    return v;
  };
  const out = or();
  if (p !== toks.length) fail(`'${toks[p]}' is left over`);
  return out;
}

/**
 * A behavioural Verilog model of a sequential cell from its Liberty `ff` or `latch` group and its pins'
 * functions: used where the library's own Verilog model relies on sequential primitives (UDPs) that
 * Verilator cannot read. Two-state: clear wins over preset when both are active.
 */
export function sequentialCellModel(cell: LibertyGroup): string {
  const name = cell.names[0]!;
  const ff = groupsOf(cell, 'ff')[0];
  const latch = groupsOf(cell, 'latch')[0];
  const state = ff ?? latch;
  if (!state)
    throw new AxhwError(
      `Cell ${name} has no ff or latch group in the Liberty file.`,
      'Give the Liberty file the netlist was mapped to with --lib.',
    );
  const [iq, iqn] = state.names as [string, string | undefined];
  const pins = groupsOf(cell, 'pin');
  const inputs = pins.filter((p) => p.simple.direction === 'input').flatMap((p) => p.names);
  const outputs = pins.filter((p) => p.simple.direction === 'output');
  const attr = (k: string) => (state.simple[k] !== undefined ? libertyToVerilog(state.simple[k]!) : undefined);
  const clr = attr('clear');
  const pre = attr('preset');
  const lines = [`module ${name} (${[...inputs, ...outputs.flatMap((p) => p.names)].join(', ')});`];
  if (inputs.length) lines.push(`  input ${inputs.join(', ')};`);
  lines.push(`  output ${outputs.flatMap((p) => p.names).join(', ')};`, `  reg ${iq};`);
  if (iqn) lines.push(`  wire ${iqn};`, `  assign ${iqn} = ~${iq};`);
  lines.push(`  wire axhw_clr = ${clr ?? "1'b0"};`, `  wire axhw_pre = ${pre ?? "1'b0"};`);
  if (ff) {
    const clk = attr('clocked_on');
    const next = attr('next_state');
    if (!clk || !next) throw new AxhwError(`Cell ${name}: its ff group lacks clocked_on or next_state.`, 'Check the Liberty file.');
    lines.push(`  wire axhw_clk = ${clk};`);
    const events = ['posedge axhw_clk', ...(clr ? ['posedge axhw_clr'] : []), ...(pre ? ['posedge axhw_pre'] : [])].join(' or ');
    lines.push(
      `  always @(${events}) begin`,
      `    if (axhw_clr) ${iq} <= 1'b0;`,
      `    else if (axhw_pre) ${iq} <= 1'b1;`,
      `    else ${iq} <= ${next};`,
      '  end',
    );
  } else {
    const en = attr('enable');
    const data = attr('data_in');
    if (!en || !data) throw new AxhwError(`Cell ${name}: its latch group lacks enable or data_in.`, 'Check the Liberty file.');
    lines.push(
      '  always @* begin',
      `    if (axhw_clr) ${iq} = 1'b0;`,
      `    else if (axhw_pre) ${iq} = 1'b1;`,
      `    else if (${en}) ${iq} = ${data};`,
      '  end',
    );
  }
  for (const o of outputs) {
    const f = o.simple.function;
    if (!f) throw new AxhwError(`Cell ${name}: output ${o.names[0]} has no function.`, 'Check the Liberty file.');
    for (const n of o.names) lines.push(`  assign ${n} = ${libertyToVerilog(f)};`);
  }
  lines.push('endmodule');
  return lines.join('\n');
}

/**
 * A Liberty Boolean function as a JavaScript expression over 32-bit words: NOT, AND, XOR and OR become the
 * bitwise operators (libertyToVerilog's parenthesised output has JavaScript's precedence), the constants 0
 * and -1 (every bit set), and each pin name `operand(name)` (bus bits as `WEN[3]`).
 */
export function libertyToJs(expr: string, operand: (name: string) => string): string {
  return libertyToVerilog(expr).replace(/1'b([01])|[A-Za-z_][\w[\]]*/g, (t, c: string | undefined) =>
    c !== undefined ? (c === '1' ? '-1' : '0') : operand(t),
  );
}

/**
 * Whether a Liberty Boolean function (a `when` condition, a pin function) holds for the given pin values:
 * `value(name)` for every name in it (bus bits as `WEN[3]`).
 */
export function libertyHolds(expr: string, value: (name: string) => boolean): boolean {
  const js = libertyToJs(expr, (name) => (value(name) ? '-1' : '0'));
  // Only constants, parentheses and bitwise operators are left; bit 0 of the result is the function's value.
  if (!/^[-01~&|^()\s]*$/.test(js)) throw new Error(`libertyHolds: unexpected text in '${js}'`);
  return ((new Function(`return (${js}) & 1;`) as () => number)() & 1) === 1;
}
