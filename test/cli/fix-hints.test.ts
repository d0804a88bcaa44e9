import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command, Option } from 'commander';
import { buildProgram } from '../../src/cli/program.js';

/**
 * Every error's text (message and fix) that names a CLI option or an `axhw <command>` names one that
 * exists, and where it names a value for an option with fixed choices, a value that option accepts.
 * Error texts are read from the source: the arguments of every `new AxhwError(...)`,
 * `new MismatchError(...)` and `dataError(...)` call, plus the fix constants they use.
 */
const root = join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The text of each error construction: from the call's opening parenthesis to its matching close. */
function errorTexts(text: string): string[] {
  const out: string[] = [];
  const re = /new (?:AxhwError|MismatchError)\(|dataError\(|const fix = |FETCH_HINT = |TOOL_FIX\b/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let depth = 1;
    let i = m.index + m[0].length;
    if (!m[0].endsWith('(')) {
      // A constant: up to the end of its statement.
      const end = text.indexOf(';\n', i);
      out.push(text.slice(i, end));
      continue;
    }
    for (; i < text.length && depth > 0; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
    }
    out.push(text.slice(m.index, i));
  }
  return out;
}

/** The number of top-level arguments of a call whose text starts just after its '(' (strings skipped). */
function argumentCount(text: string, start: number): number {
  let depth = 1;
  let commas = 0;
  let quote: string | undefined;
  let empty = true;
  for (let i = start; i < text.length && depth > 0; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (!/\s/.test(c) && c !== ')') empty = false;
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 1) commas++;
  }
  return empty ? 0 : commas + 1;
}

function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap(allCommands)];
}

const program = await buildProgram();

describe('fix hints name options, commands and values that exist', () => {
  const commands = allCommands(program);
  const options = new Map<string, Option[]>();
  for (const c of commands) for (const o of c.options) if (o.long) options.set(o.long, [...(options.get(o.long) ?? []), o]);
  const commandNames = new Set(commands.map((c) => c.name()));
  // Flags of the tools axhw runs (quoted in their own error texts), not axhw options.
  const toolFlags = new Set(['--version']);

  const files = sources(join(root, 'src'));
  const texts = files.flatMap((f) => errorTexts(readFileSync(f, 'utf8')).map((t) => ({ file: relative(root, f), text: t })));

  it('finds the error texts (the scan itself works)', () => {
    expect(texts.length).toBeGreaterThan(150);
    expect(texts.some((t) => t.text.includes('--data-path'))).toBe(true);
  });

  it('every --option named in an error text is an option of some command', () => {
    const unknown: string[] = [];
    for (const { file, text } of texts) {
      for (const m of text.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)) {
        const flag = `--${m[1]}`;
        if (!options.has(flag) && !toolFlags.has(flag)) unknown.push(`${file}: ${flag}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('every value given to an option with fixed choices is one it accepts', () => {
    const bad: string[] = [];
    for (const { file, text } of texts) {
      // A value ends the phrase (`--path table.`, `--backend wasm,`): '--path must be' is prose, not a value.
      for (const m of text.matchAll(/(?<![\w-])(--[a-z][a-z0-9-]*)[ =]([a-z][a-z0-9-]*)(?=[.,;)'`]|$)/g)) {
        const choices = options.get(m[1]!)?.find((o) => o.argChoices)?.argChoices;
        if (choices && !choices.includes(m[2]!)) bad.push(`${file}: ${m[1]} ${m[2]} (accepts ${choices.join(', ')})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('every `axhw <command>` named in an error text exists', () => {
    const unknown: string[] = [];
    for (const { file, text } of texts) {
      for (const m of text.matchAll(/`axhw ([a-z][a-z-]*)/g)) if (!commandNames.has(m[1]!)) unknown.push(`${file}: axhw ${m[1]}`);
    }
    expect(unknown).toEqual([]);
  });

  it('every AxhwError carries a fix (its second argument)', () => {
    const without: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/new AxhwError\(/g)) {
        if (argumentCount(text, m.index! + m[0].length) < 2)
          without.push(`${relative(root, f)}:${text.slice(0, m.index).split('\n').length}`);
      }
    }
    expect(without).toEqual([]);
    // The counter itself: template literals with commas and calls inside do not fool it.
    const probe = 'new AxhwError(`a, ${f(x, y)} b`)';
    expect(argumentCount(probe, probe.indexOf('(') + 1)).toBe(1);
    expect(argumentCount("new AxhwError('x', 'fix, here')", 14)).toBe(2);
  });

  it('negative control: a made-up option and command are reported', () => {
    const fake = errorTexts("throw new AxhwError('x', 'Pass --no-such-flag, or run `axhw frobnicate`.');");
    expect(fake).toHaveLength(1);
    expect(options.has('--no-such-flag')).toBe(false);
    expect(commandNames.has('frobnicate')).toBe(false);
    expect([...fake[0]!.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1])).toEqual(['no-such-flag']);
    expect([...fake[0]!.matchAll(/`axhw ([a-z][a-z-]*)/g)].map((m) => m[1])).toEqual(['frobnicate']);
  });
});
