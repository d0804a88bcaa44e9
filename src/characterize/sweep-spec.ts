import { AxhwError } from '../errors.js';

/** One swept name and its values: `k=2..8`, `k=2,4,6`, `mbits=4..12`. */
export interface SweepAxis {
  name: string;
  values: (number | string)[];
}

export function parseSweep(spec: string): SweepAxis {
  const m = /^\s*([A-Za-z][\w-]*)\s*=\s*(.+)$/.exec(spec);
  if (!m) throw new AxhwError(`--sweep '${spec}' is not name=values.`, 'Write e.g. --sweep k=2..8, --sweep k=2,4,8 or --sweep rounding=rne,trunc.');
  const values: (number | string)[] = [];
  for (const part of m[2].split(',')) {
    const p = part.trim();
    const r = /^(\d+)\s*\.\.\s*(\d+)$/.exec(p);
    if (r) {
      const lo = Number(r[1]);
      const hi = Number(r[2]);
      if (lo > hi) throw new AxhwError(`--sweep '${spec}': range ${p} is empty.`, 'Write the smaller bound first, e.g. k=2..8.');
      for (let v = lo; v <= hi; v++) values.push(v);
    } else if (/^-?\d+$/.test(p)) values.push(Number(p));
    else if (p) values.push(p);
    else throw new AxhwError(`--sweep '${spec}' has an empty value.`);
  }
  return { name: m[1], values };
}

/** Every combination of the axes' values (first axis outermost). */
export function combinations(axes: SweepAxis[]): Record<string, number | string>[] {
  let out: Record<string, number | string>[] = [{}];
  for (const a of axes) out = out.flatMap((c) => a.values.map((v) => ({ ...c, [a.name]: v })));
  return out;
}
