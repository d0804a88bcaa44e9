import { readFileSync, statSync } from 'node:fs';
import { AxhwError } from '../errors.js';

/**
 * A mapped gate-level netlist as Yosys writes it (`write_verilog -noattr -noexpr`): one module of port,
 * wire and cell-instance declarations and plain `assign`s. Nets are reduced to single bits, named as
 * in the source (`_012_`, `y[3]`, `\core.a [14]` -> `core.a[14]`). The simulator gets a rewritten copy
 * with every bit a plain wire, so its toggle counts map back to these names without guessing how a
 * tool mangles escaped identifiers.
 */
export interface NetlistPort {
  name: string;
  direction: 'input' | 'output' | 'inout';
  /** Bit names, least significant first. */
  bits: string[];
}

export interface NetlistInstance {
  cell: string;
  name: string;
  /** Pin -> net bit, or a constant '0' / '1'. */
  pins: Record<string, string>;
}

export interface Netlist {
  top: string;
  ports: NetlistPort[];
  instances: NetlistInstance[];
  /** Bit-level aliases from `assign lhs = rhs;` (lhs bit, rhs bit or constant). */
  assigns: [string, string][];
}

type Tok = { t: string; line: number };

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      for (let k = i; k < (end < 0 ? text.length : end); k++) if (text[k] === '\n') line++;
      i = end < 0 ? text.length : end + 2;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '\\') {
      // An escaped identifier runs to the next white space.
      let j = i + 1;
      while (j < text.length && !/\s/.test(text[j]!)) j++;
      out.push({ t: text.slice(i + 1, j), line });
      i = j;
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_$]/.test(text[j]!)) j++;
      out.push({ t: text.slice(i, j), line });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[0-9a-fA-FxXzZ_']/.test(text[j]!)) j++;
      if (text[j - 1] === "'" || /'[bBhHdDoO]/.test(text.slice(j - 1, j + 1))) {
        // A sized constant: 1'h0, 4'b1010 (the base letter and digits follow the quote).
        while (j < text.length && /[0-9a-fA-FxXzZ_'bBhHdDoO]/.test(text[j]!)) j++;
      }
      out.push({ t: text.slice(i, j), line });
      i = j;
    } else {
      out.push({ t: c, line });
      i++;
    }
  }
  return out;
}

/** The bits of a sized constant, least significant first, as '0' / '1'. */
function constantBits(text: string, where: string): string[] {
  const m = /^(\d+)'([bhdo])([0-9a-fA-F_xXzZ]+)$/i.exec(text);
  if (!m)
    throw new AxhwError(`${where}: '${text}' is not a sized constant.`, 'Give a netlist written by Yosys (write_verilog -noattr -noexpr).');
  const width = Number(m[1]);
  const base = { b: 2, h: 16, d: 10, o: 8 }[m[2]!.toLowerCase() as 'b' | 'h' | 'd' | 'o'];
  const digits = m[3]!.replace(/_/g, '');
  if (/[xXzZ]/.test(digits))
    throw new AxhwError(`${where}: constant '${text}' holds x or z bits.`, 'Synthesize without undefined constants.');
  let v = 0n;
  for (const d of digits.toLowerCase()) v = v * BigInt(base) + BigInt(parseInt(d, base));
  return Array.from({ length: width }, (_, k) => ((v >> BigInt(k)) & 1n ? '1' : '0'));
}

const parsed = new Map<string, Netlist>();
/** The netlists kept (the most recently parsed): a costing reads a few dozen; a long sweep must not keep them all. */
const KEPT_NETLISTS = 64;

/**
 * The netlist in a file, parsed once per process while the file stays as it was (its size and time): one costing
 * reads the same synthesized memories and PEs for every configuration it costs. The netlist is shared: read only.
 */
export function readNetlist(file: string): Netlist {
  const st = statSync(file);
  const key = `${file}\0${st.size}\0${st.mtimeMs}`;
  let net = parsed.get(key);
  if (!net) {
    net = parseNetlist(readFileSync(file, 'utf8'), file);
    parsed.set(key, net);
    if (parsed.size > KEPT_NETLISTS) parsed.delete(parsed.keys().next().value!);
  }
  return net;
}

export function parseNetlist(text: string, file = 'netlist.v'): Netlist {
  const toks = tokenize(text);
  let p = 0;
  const at = () => toks[p];
  const fail = (why: string): never => {
    throw new AxhwError(
      `${file}:${at()?.line ?? '?'}: ${why}.`,
      'Give a netlist written by Yosys (write_verilog -noattr -noexpr) of a single flattened module.',
    );
  };
  const take = (want?: string) => {
    const tok = toks[p++];
    if (!tok) fail('unexpected end of file');
    if (want !== undefined && tok!.t !== want) {
      p--;
      fail(`expected '${want}', found '${tok!.t}'`);
    }
    return tok!.t;
  };
  const widths = new Map<string, { msb: number; lsb: number } | undefined>();
  const range = () => {
    if (at()?.t !== '[') return undefined;
    take('[');
    const msb = Number(take());
    take(':');
    const lsb = Number(take());
    take(']');
    return { msb, lsb };
  };
  const bitsOf = (name: string): string[] => {
    const r = widths.get(name);
    if (!r) return [name];
    const step = r.msb >= r.lsb ? 1 : -1;
    const out: string[] = [];
    for (let k = r.lsb; ; k += step) {
      out.push(`${name}[${k}]`);
      if (k === r.msb) break;
    }
    return out;
  };
  /** An expression on a pin or an assign: a name, a bit select, a constant, or a concatenation, as bits (LSB first). */
  const expr = (): string[] => {
    const tok = take();
    if (tok === '{') {
      const parts: string[][] = [];
      for (;;) {
        parts.push(expr());
        const sep = take();
        if (sep === '}') break;
        if (sep !== ',') fail(`expected ',' or '}' in a concatenation, found '${sep}'`);
      }
      return parts.reverse().flat(); // the first part is the most significant
    }
    if (/^\d/.test(tok)) return constantBits(tok, `${file}:${toks[p - 1]!.line}`);
    if (at()?.t === '[') {
      take('[');
      const hi = Number(take());
      let lo = hi;
      if (at()?.t === ':') {
        take(':');
        lo = Number(take());
      }
      take(']');
      const out: string[] = [];
      const step = hi >= lo ? -1 : 1;
      for (let k = hi; ; k += step) {
        out.push(`${tok}[${k}]`);
        if (k === lo) break;
      }
      return out.reverse();
    }
    return bitsOf(tok);
  };

  take('module');
  const top = take();
  take('(');
  while (at() && at()!.t !== ')') take();
  take(')');
  take(';');
  const ports: NetlistPort[] = [];
  const instances: NetlistInstance[] = [];
  const assigns: [string, string][] = [];
  for (;;) {
    const kw = at()?.t;
    if (kw === undefined) fail("missing 'endmodule'");
    if (kw === 'endmodule') break;
    if (kw === 'input' || kw === 'output' || kw === 'inout' || kw === 'wire' || kw === 'reg') {
      take();
      const r = range();
      for (;;) {
        const name = take();
        widths.set(name, r);
        if (kw !== 'wire' && kw !== 'reg') ports.push({ name, direction: kw, bits: bitsOf(name) });
        const sep = take();
        if (sep === ';') break;
        if (sep !== ',') fail(`expected ',' or ';', found '${sep}'`);
      }
    } else if (kw === 'assign') {
      take();
      const lhs = expr();
      take('=');
      const rhs = expr();
      take(';');
      if (lhs.length !== rhs.length) fail(`assign of ${rhs.length} bits to ${lhs.length}`);
      lhs.forEach((l, k) => assigns.push([l, rhs[k]!]));
    } else {
      const cell = take();
      const name = take();
      take('(');
      const pins: Record<string, string> = {};
      while (at()?.t === '.') {
        take('.');
        const pin = take();
        take('(');
        const bits = at()?.t === ')' ? [] : expr();
        take(')');
        // Cell pins are single bits; a wider pin is a port of a black-boxed module: pin[k], LSB first.
        if (bits.length === 1) pins[pin] = bits[0]!;
        else bits.forEach((b, k) => (pins[`${pin}[${k}]`] = b));
        if (at()?.t === ',') take(',');
      }
      take(')');
      take(';');
      instances.push({ cell, name, pins });
    }
  }
  return { top, ports, instances, assigns };
}
