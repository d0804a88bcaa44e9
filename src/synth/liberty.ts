import { AxhwError } from '../errors.js';

/**
 * A Liberty (.lib) reader: the grammar of the Liberty reference manual, section 1 ("Library structure"):
 *
 *   group             = name "(" [value {"," value}] ")" "{" {statement} "}"
 *   simple attribute  = name ":" value [";"]
 *   complex attribute = name "(" [value {"," value}] ")" [";"]
 *
 * with C comments, backslash line continuations and quoted strings. No npm package reads Liberty, so
 * this is a small tokenizer and recursive-descent parser, tested on hand-written fragments and on the
 * whole osu018 library. Values stay text; `numbers()` reads a table's quoted number lists.
 */
export interface LibertyGroup {
  type: string;
  /** The group's names, e.g. a cell's name or a table's template: `cell (NAND2X1)` -> ['NAND2X1']. */
  names: string[];
  simple: Record<string, string>;
  /** Complex attributes, each occurrence in order (`define(...)` and `capacitive_load_unit(1, pf)` repeat). */
  complex: Record<string, string[][]>;
  groups: LibertyGroup[];
  line: number;
}

type Token = { kind: 'word' | 'string' | 'punct'; text: string; line: number };

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '\\' && /^\\[ \t]*\r?\n/.test(text.slice(i, i + 4))) {
      // Line continuation: the backslash and its newline are white space.
      i = text.indexOf('\n', i) + 1;
      line++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0)
        throw new AxhwError(`${file}:${line}: unterminated comment.`, 'Close the comment with */, or check that this is a Liberty file.');
      for (let k = i; k < end; k++) if (text[k] === '\n') line++;
      i = end + 2;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '"') {
      const start = line;
      let j = i + 1;
      let s = '';
      while (j < n && text[j] !== '"') {
        if (text[j] === '\\' && (text[j + 1] === '\n' || text[j + 1] === '\r')) {
          j = text.indexOf('\n', j) + 1; // a continuation inside a string
          line++;
          continue;
        }
        if (text[j] === '\n') line++;
        s += text[j];
        j++;
      }
      if (j >= n)
        throw new AxhwError(`${file}:${start}: unterminated string.`, 'Close the string with ", or check that this is a Liberty file.');
      tokens.push({ kind: 'string', text: s, line: start });
      i = j + 1;
    } else if ('(){}:;,'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, line });
      i++;
    } else {
      let j = i;
      while (j < n && !' \t\r\n(){}:;,"'.includes(text[j]!) && !(text[j] === '\\' && /^\\[ \t]*\r?\n/.test(text.slice(j, j + 4)))) j++;
      tokens.push({ kind: 'word', text: text.slice(i, j), line });
      i = j;
    }
  }
  return tokens;
}

/** Parse Liberty text; the result is the top-level group (normally `library (name) { ... }`). */
export function parseLiberty(text: string, file = 'liberty'): LibertyGroup {
  const t = tokenize(text, file);
  let p = 0;
  const fail = (why: string, at = t[Math.min(p, t.length - 1)]): never => {
    throw new AxhwError(
      `${file}:${at?.line ?? 1}: ${why}.`,
      'Check the Liberty syntax there (groups: name (args) { ... }; attributes: name : value ; or name (args) ;).',
    );
  };
  const peek = (k = 0) => t[p + k];
  const expect = (s: string) => {
    const tok = t[p];
    if (!tok || tok.kind !== 'punct' || tok.text !== s) fail(`expected '${s}'${tok ? `, found '${tok.text}'` : ' at the end of the file'}`);
    p++;
  };
  const args = (): string[] => {
    expect('(');
    const out: string[] = [];
    while (peek() && !(peek()!.kind === 'punct' && peek()!.text === ')')) {
      const tok = t[p++]!;
      if (tok.kind === 'punct') {
        if (tok.text === ',') continue;
        fail(`unexpected '${tok.text}' in an argument list`, tok);
      }
      out.push(tok.text);
    }
    expect(')');
    return out;
  };
  const optionalSemicolon = () => {
    if (peek()?.kind === 'punct' && peek()!.text === ';') p++;
  };
  const body = (g: LibertyGroup) => {
    expect('{');
    for (;;) {
      const tok = peek();
      if (!tok) fail(`group '${g.type}' is not closed`, t[t.length - 1]);
      if (tok!.kind === 'punct' && tok!.text === '}') {
        p++;
        return;
      }
      statement(g);
    }
  };
  const statement = (parent: LibertyGroup) => {
    const name = t[p];
    if (!name || name.kind !== 'word') return fail(`expected an attribute or group name${name ? `, found '${name.text}'` : ''}`, name);
    p++;
    const next = peek();
    if (next?.kind === 'punct' && next.text === ':') {
      p++;
      const parts: string[] = [];
      // A simple attribute's value runs to ';' (or the line's end when a library omits it).
      while (
        peek() &&
        !(peek()!.kind === 'punct' && (peek()!.text === ';' || peek()!.text === '}')) &&
        (parts.length === 0 || peek()!.line === name.line)
      ) {
        parts.push(t[p++]!.text);
      }
      if (parts.length === 0) fail(`attribute '${name.text}' has no value`, name);
      optionalSemicolon();
      parent.simple[name.text] = parts.join(' ');
    } else if (next?.kind === 'punct' && next.text === '(') {
      const a = args();
      if (peek()?.kind === 'punct' && peek()!.text === '{') {
        const g: LibertyGroup = { type: name.text, names: a, simple: {}, complex: {}, groups: [], line: name.line };
        body(g);
        parent.groups.push(g);
      } else {
        optionalSemicolon();
        (parent.complex[name.text] ??= []).push(a);
      }
    } else fail(`'${name.text}' is followed by '${next?.text ?? 'the end of the file'}', not ':' or '('`, next ?? name);
  };
  const root: LibertyGroup = { type: '(file)', names: [], simple: {}, complex: {}, groups: [], line: 1 };
  while (p < t.length) statement(root);
  if (root.groups.length !== 1 || Object.keys(root.simple).length || Object.keys(root.complex).length) {
    throw new AxhwError(
      `${file}: a Liberty file holds one top-level group (library); found ${root.groups.length} group(s) ` +
        `and ${Object.keys(root.simple).length + Object.keys(root.complex).length} attribute(s).`,
      'Give the .lib file of a cell library.',
    );
  }
  return root.groups[0]!;
}

/** The numbers of a Liberty list: `"0.1, 0.2"` or several such strings (a table's rows), row-major. */
export function numbers(values: string[], where: string): number[] {
  const out = values.flatMap((v) => v.split(/[,\s]+/).filter(Boolean)).map(Number);
  if (out.some((x) => !Number.isFinite(x)))
    throw new AxhwError(`${where}: '${values.join(', ')}' is not a list of numbers.`, 'Check the table in the Liberty file.');
  return out;
}

/** Child groups of one type. */
export function groupsOf(g: LibertyGroup, type: string): LibertyGroup[] {
  return g.groups.filter((c) => c.type === type);
}
