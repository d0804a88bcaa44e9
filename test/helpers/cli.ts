import { join } from 'node:path';
import { execa } from 'execa';

/** The `axhw` launcher (it runs the built dist/, which npm test builds first). */
export const axhwBin = join(import.meta.dirname, '..', '..', 'bin', 'axhw.js');

/** Runs the built `axhw` with these arguments; never rejects (tests read exitCode), stdout and stderr also interleaved in `all`. */
export const axhw = (...args: string[]) => axhwIn(undefined, ...args);

/** The same, in the working folder `cwd` (where a documented line's relative paths land). */
export const axhwIn = (cwd: string | undefined, ...args: string[]) =>
  execa('node', [axhwBin, ...args], { cwd, reject: false, all: true, env: { FORCE_COLOR: '0' } });

/**
 * A command line as arguments: the literal text split at whitespace, each interpolated value one argument
 * whole (a path with spaces stays one). `axhw(...argv`eval --model-dir ${dir} --json`)`.
 */
export function argv(parts: TemplateStringsArray, ...values: (string | number)[]): string[] {
  const out: string[] = [];
  parts.forEach((p, i) => {
    out.push(...p.split(/\s+/).filter(Boolean));
    if (i < values.length) out.push(String(values[i]));
  });
  return out;
}
