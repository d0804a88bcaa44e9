/**
 * A comma list of values where integer ranges `lo..hi` expand: `2..4,8` -> [2, 3, 4, 8]; other items
 * stay strings (`rne,trunc`). Returns the reason when the text is not such a list.
 */
export function expandList(text: string): (number | string)[] | { error: string } {
  const values: (number | string)[] = [];
  for (const part of text.split(',')) {
    const p = part.trim();
    const r = /^(\d+)\s*\.\.\s*(\d+)$/.exec(p);
    if (r) {
      const lo = Number(r[1]);
      const hi = Number(r[2]);
      if (lo > hi) return { error: `range ${p} is empty` };
      for (let v = lo; v <= hi; v++) values.push(v);
    } else if (/^-?\d+$/.test(p)) values.push(Number(p));
    else if (p) values.push(p);
    else return { error: 'empty value between commas' };
  }
  return values;
}

/** Every combination of the axes' values (first axis outermost). */
export function combinations<V>(axes: { name: string; values: readonly V[] }[]): Record<string, V>[] {
  let out: Record<string, V>[] = [{}];
  for (const a of axes) out = out.flatMap((c) => a.values.map((v) => ({ ...c, [a.name]: v })));
  return out;
}
