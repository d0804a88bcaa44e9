import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Design } from '../gen/design.js';
import type { OperatorPorts } from '../models/operator.js';
import { AxhwError } from '../errors.js';
import { sha256 } from '../util/hash.js';
import { MAX_OPERAND_BITS, MAX_RESULT_BITS } from '../util/bits.js';
import { inspectVerilog, type InspectedPort } from './inspect.js';
import { batchFromScalar, loadScalarModel } from './model-loader.js';

export interface ExternalOptions {
  rtl: string[];
  top: string;
  /** Port names; inferred when the module has exactly two inputs and one output. */
  a?: string;
  b?: string;
  y?: string;
  /** Expected widths; checked against the Verilog when given. */
  aWidth?: number;
  bWidth?: number;
  yWidth?: number;
  /** Two's-complement operands/result; default: true when both operand ports are declared signed. */
  signed?: boolean;
  model?: string;
}

/** Turn a user's combinational multiplier into a Design (ports checked, optional model loaded). */
export async function externalDesign(o: ExternalOptions): Promise<Design> {
  if (o.rtl.length === 0) throw new AxhwError('No Verilog given.', 'Pass --rtl <file.v>.');
  if (!o.top) throw new AxhwError('No top module given.', 'Pass --top <module>.');
  const m = await inspectVerilog(o.rtl, o.top);
  if (m.stateCells.length > 0) {
    throw new AxhwError(
      `Module '${o.top}' holds state (${m.stateCells.join(', ')}); axhw co-simulates combinational ` +
        `operators, whose output depends only on the current operands.`,
      'Pass the combinational core (without registers, latches or memories) as --top.',
    );
  }
  const inout = m.ports.filter((p) => p.direction === 'inout');
  if (inout.length)
    throw new AxhwError(
      `Module '${o.top}' has inout ports (${inout.map((p) => p.name).join(', ')}).`,
      'Use a module with input operands and an output result.',
    );
  const inputs = m.ports.filter((p) => p.direction === 'input');
  const outputs = m.ports.filter((p) => p.direction === 'output');
  const list = (ps: InspectedPort[]) => ps.map((p) => `${p.name}[${p.width}]`).join(', ') || 'none';

  const pick = (name: string | undefined, pool: InspectedPort[], role: string, dir: string): InspectedPort => {
    const p = m.ports.find((x) => x.name === name);
    if (!p) throw new AxhwError(`Module '${o.top}' has no port named '${name}' (for ${role}).`, `Its ${dir} ports are: ${list(pool)}.`);
    if (!pool.includes(p))
      throw new AxhwError(
        `Port '${name}' of '${o.top}' is an ${p.direction}, but ${role} must be an ${dir}.`,
        `Its ${dir} ports are: ${list(pool)}.`,
      );
    return p;
  };
  let a: InspectedPort;
  let b: InspectedPort;
  if (o.a !== undefined || o.b !== undefined) {
    if (o.a === undefined || o.b === undefined)
      throw new AxhwError('Name both operand ports or neither.', 'Pass --a <port> and --b <port> together.');
    a = pick(o.a, inputs, 'operand a', 'input');
    b = pick(o.b, inputs, 'operand b', 'input');
  } else {
    if (inputs.length !== 2)
      throw new AxhwError(
        `Cannot tell the operands of '${o.top}': it has ${inputs.length} inputs (${list(inputs)}).`,
        inputs.length > 2
          ? 'axhw drives exactly two inputs, the operands: wrap the multiplier in a module whose only inputs ' +
              'are the two operands (tie the others inside the wrapper) and give that module with --top.'
          : 'axhw needs a module with two operand inputs and one result output.',
      );
    [a, b] = inputs;
  }
  const extra = inputs.filter((p) => p !== a && p !== b);
  if (extra.length)
    throw new AxhwError(
      `Module '${o.top}' has inputs besides the operands: ${list(extra)}.`,
      'Wrap the multiplier so that only the two operands are inputs (tie other inputs inside the wrapper).',
    );
  let y: InspectedPort;
  if (o.y !== undefined) y = pick(o.y, outputs, 'the result', 'output');
  else {
    if (outputs.length !== 1)
      throw new AxhwError(
        `Cannot tell the result of '${o.top}': it has ${outputs.length} outputs (${list(outputs)}).`,
        'Name the result port with --y.',
      );
    y = outputs[0];
  }
  for (const [p, want, flag] of [
    [a, o.aWidth, '--a-width'],
    [b, o.bWidth, '--b-width'],
    [y, o.yWidth, '--y-width'],
  ] as const) {
    if (want !== undefined && p.width !== want)
      throw new AxhwError(
        `Port '${p.name}' of '${o.top}' is ${p.width} bits wide, not ${want} as ${flag} says.`,
        `Pass ${flag} ${p.width}, or check that --top names the right module.`,
      );
  }
  if (a.width > MAX_OPERAND_BITS || b.width > MAX_OPERAND_BITS || y.width > MAX_RESULT_BITS) {
    throw new AxhwError(
      `Ports of '${o.top}' are too wide (${a.width} x ${b.width} -> ${y.width}); axhw supports operands ` +
        `up to ${MAX_OPERAND_BITS} bits and results up to ${MAX_RESULT_BITS}.`,
      'Wrap the multiplier in a top module with narrower ports, or check --a, --b and --y name the operand and result ports.',
    );
  }
  const signed = o.signed ?? (a.signed && b.signed);
  const ports: OperatorPorts = {
    a: { name: a.name, width: a.width },
    b: { name: b.name, width: b.width },
    y: { name: y.name, width: y.width },
    signed,
    controls: [],
  };

  const sources: Record<string, string> = {};
  for (const f of o.rtl) {
    let name = basename(f);
    while (sources[name] !== undefined) name = `_${name}`;
    sources[name] = readFileSync(f, 'utf8');
  }
  const model = o.model ? batchFromScalar(await loadScalarModel(o.model), ports, o.model) : undefined;
  return {
    unit: 'external',
    params: { top: o.top, signed },
    top: o.top,
    sources,
    ports,
    // Your own RTL is read as integers of its port width (two's complement when --signed).
    numbers: { kind: 'fixed', width: ports.a.width, signed },
    model,
    rtlHash: sha256(
      ...Object.entries(sources)
        .sort(([x], [y2]) => x.localeCompare(y2))
        .flat(),
    ),
  };
}
