import { readMaybeCompressed } from './decompress.js';
import { dataError } from './data-error.js';
import type { LabelledData } from './table-data.js';

/**
 * R's serialisation format (`save()` files, .rda/.RData): "RDX2"/"RDX3" + XDR (big-endian) stream,
 * gzip or xz compressed. Only what data sets use is decoded: pairlists, symbols, strings, logical, integer
 * and double vectors, generic vectors (lists, data frames), attributes and references. Anything else
 * (closures, environments with code, bytecode) is an error naming the type.
 */
export type RValue =
  | { type: 'null' }
  | { type: 'symbol'; name: string }
  | { type: 'pairlist'; items: { tag?: string; value: RValue }[]; attrs?: RAttrs }
  | { type: 'int' | 'logical'; data: Int32Array; attrs?: RAttrs }
  | { type: 'double'; data: Float64Array; attrs?: RAttrs }
  | { type: 'string'; data: (string | null)[]; attrs?: RAttrs }
  | { type: 'list'; items: RValue[]; attrs?: RAttrs };
export type RAttrs = Map<string, RValue>;

const NA_INTEGER = -2147483648;

export function readRda(file: string): Map<string, RValue> {
  const buf = readMaybeCompressed(file);
  const magic = buf.subarray(0, 5).toString('latin1');
  if (magic !== 'RDX2\n' && magic !== 'RDX3\n') throw dataError(file, `not an R data file (magic '${JSON.stringify(magic)}')`);
  if (buf.subarray(5, 7).toString('latin1') !== 'X\n')
    throw dataError(file, 'only the XDR (binary, big-endian) R serialisation is supported');
  const r = new Reader(buf, 7, file);
  const version = r.int();
  r.int(); // R version that wrote it
  r.int(); // minimal reader version
  if (version === 3)
    r.skip(r.int()); // native encoding name
  else if (version !== 2) throw dataError(file, `R serialisation version ${version} is not supported`);
  const top = r.item();
  if (top.type !== 'pairlist') throw dataError(file, 'an .rda file holds a pairlist of named objects');
  return new Map(top.items.map((i) => [i.tag ?? '', i.value]));
}

class Reader {
  private refs: RValue[] = [];
  constructor(
    private buf: Buffer,
    private pos: number,
    private file: string,
  ) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw dataError(this.file, 'truncated R data stream');
  }
  int(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
  private length(): number {
    const n = this.int();
    if (n !== -1) return n;
    const hi = this.int();
    const lo = this.int();
    return hi * 2 ** 32 + (lo >>> 0);
  }
  private charsxp(): string | null {
    const flags = this.int();
    if ((flags & 0xff) !== 9) throw dataError(this.file, `expected a string (CHARSXP), found R type ${flags & 0xff}`);
    const n = this.int();
    if (n === -1) return null;
    this.need(n);
    const s = this.buf.subarray(this.pos, this.pos + n).toString((flags >> 12) & 8 ? 'utf8' : 'latin1');
    this.pos += n;
    return s;
  }

  item(): RValue {
    const flags = this.int();
    const type = flags & 0xff;
    const hasAttr = (flags & (1 << 9)) !== 0;
    const hasTag = (flags & (1 << 10)) !== 0;
    switch (type) {
      case 254: // NILVALUE_SXP
      case 242: // EMPTYENV
      case 241: // BASEENV
      case 253: // GLOBALENV
        return { type: 'null' };
      case 255: {
        // REFSXP: index packed in the flags, or in the next int
        const idx = flags >> 8 || this.int();
        const v = this.refs[idx - 1];
        if (!v) throw dataError(this.file, `bad R reference ${idx}`);
        return v;
      }
      case 1: {
        const name = this.item();
        const sym: RValue = { type: 'symbol', name: name.type === 'string' ? (name.data[0] ?? '') : '' };
        this.refs.push(sym);
        return sym;
      }
      case 9: {
        this.pos -= 4;
        return { type: 'string', data: [this.charsxp()] };
      }
      case 2: // LISTSXP
      case 239: {
        // pairlists are written cell by cell: attr?, tag?, car, then the cdr as the next item
        const items: { tag?: string; value: RValue }[] = [];
        let attrs: RAttrs | undefined;
        let f = flags;
        for (;;) {
          const t = f & 0xff;
          if (t === 254) break;
          if (t !== 2 && t !== 239) {
            this.pos -= 4;
            items.push({ value: this.item() }); // dotted pair tail
            break;
          }
          if (f & (1 << 9)) {
            const a = this.attributes();
            attrs ??= a;
          }
          let tag: string | undefined;
          if (f & (1 << 10)) {
            const s = this.item();
            tag = s.type === 'symbol' ? s.name : undefined;
          }
          items.push({ tag, value: this.item() });
          f = this.int();
        }
        return { type: 'pairlist', items, attrs };
      }
      case 10:
      case 13: {
        const n = this.length();
        this.need(4 * n);
        const data = new Int32Array(n);
        for (let i = 0; i < n; i++) data[i] = this.buf.readInt32BE(this.pos + 4 * i);
        this.pos += 4 * n;
        return { type: type === 10 ? 'logical' : 'int', data, attrs: hasAttr ? this.attributes() : undefined };
      }
      case 14: {
        const n = this.length();
        this.need(8 * n);
        const data = new Float64Array(n);
        for (let i = 0; i < n; i++) data[i] = this.buf.readDoubleBE(this.pos + 8 * i);
        this.pos += 8 * n;
        return { type: 'double', data, attrs: hasAttr ? this.attributes() : undefined };
      }
      case 16: {
        const n = this.length();
        const data: (string | null)[] = [];
        for (let i = 0; i < n; i++) data.push(this.charsxp());
        return { type: 'string', data, attrs: hasAttr ? this.attributes() : undefined };
      }
      case 19:
      case 20: {
        const n = this.length();
        const items: RValue[] = [];
        for (let i = 0; i < n; i++) items.push(this.item());
        return { type: 'list', items, attrs: hasAttr ? this.attributes() : undefined };
      }
      default:
        void hasTag;
        throw dataError(this.file, `R object type ${type} is not supported in a data file (only data vectors, lists and data frames)`);
    }
  }

  private attributes(): RAttrs {
    const pl = this.item();
    const out: RAttrs = new Map();
    if (pl.type === 'pairlist') for (const i of pl.items) if (i.tag) out.set(i.tag, i.value);
    return out;
  }
}

/**
 * A data frame with numeric columns and one factor column (the class) as labelled data. `classColumn`
 * defaults to the only factor. Unused factor levels are dropped and labels renumbered densely, so the
 * classes are the ones present (mlbench's satimage declares and uses 6; the UCI original numbers them 1-5
 * and 7).
 */
export function dataFrameToLabelled(file: string, frame: RValue, classColumn?: string): LabelledData {
  if (frame.type !== 'list' || !frame.attrs) throw dataError(file, 'the object is not a data frame');
  const names = frame.attrs.get('names');
  if (!names || names.type !== 'string') throw dataError(file, 'data frame without column names');
  const isFactor = (v: RValue) => v.type === 'int' && v.attrs?.get('levels')?.type === 'string';
  const clsIdx = classColumn ? names.data.indexOf(classColumn) : frame.items.findIndex(isFactor);
  if (clsIdx < 0) throw dataError(file, classColumn ? `no column '${classColumn}'` : 'no factor column to use as the class');
  const cls = frame.items[clsIdx]!;
  if (cls.type !== 'int' || !isFactor(cls)) throw dataError(file, `column '${names.data[clsIdx]}' is not a factor`);
  const levels = (cls.attrs!.get('levels') as { data: (string | null)[] }).data.map((s) => s ?? 'NA');
  const features = frame.items.filter((_, i) => i !== clsIdx);
  const n = cls.data.length;
  const f = features.length;
  const x = new Float32Array(n * f);
  features.forEach((col, c) => {
    if ((col.type !== 'double' && col.type !== 'int') || isFactor(col))
      throw dataError(file, `column '${names.data[frame.items.indexOf(col)]}' is not numeric`);
    if (col.data.length !== n) throw dataError(file, 'data frame columns differ in length');
    for (let r = 0; r < n; r++) {
      const v = col.data[r]!;
      if (Number.isNaN(v) || (col.type === 'int' && v === NA_INTEGER)) throw dataError(file, `missing value in row ${r + 1}`);
      x[r * f + c] = v;
    }
  });
  const used = [...new Set(cls.data)].sort((a, b) => a - b);
  if (used.includes(NA_INTEGER)) throw dataError(file, 'missing class label');
  const y = Int32Array.from(cls.data, (v) => used.indexOf(v));
  return { x, y, n, shape: [f], classes: used.map((u) => levels[u - 1] ?? String(u)) };
}
