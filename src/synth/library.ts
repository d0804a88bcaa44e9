import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AxhwError } from '../errors.js';
import { sha256 } from '../util/hash.js';

/**
 * A standard-cell library: any Liberty file. Built-in names map to the files of Debian packages;
 * anything else is a path to the user's own .lib.
 */
export interface CellLibrary {
  name: string;
  liberty: string;
  /** The cells' Verilog models (simulated power): the built-in library's, --cells, or <lib>.v beside the .lib. */
  cells?: string;
  /** sha256 of the Liberty file: part of every synthesis and timing cache key. */
  hash: string;
}

const BUILT_IN: Record<string, { path: string; cells: string; pkg: string }> = {
  osu018: {
    path: '/usr/share/qflow/tech/osu018/osu018_stdcells.lib',
    cells: '/usr/share/qflow/tech/osu018/osu018_stdcells.v',
    pkg: 'qflow-tech-osu018',
  },
};

export const DEFAULT_LIBRARY = 'osu018';

export function resolveLibrary(nameOrPath: string = DEFAULT_LIBRARY, cellsFile?: string): CellLibrary {
  const builtIn = BUILT_IN[nameOrPath];
  const path = builtIn ? builtIn.path : resolve(nameOrPath);
  if (!existsSync(path)) {
    if (builtIn)
      throw new AxhwError(
        `The ${nameOrPath} cell library (${path}) is not installed.`,
        `Install it: sudo apt-get install ${builtIn.pkg} (scripts/setup.sh does this).`,
      );
    throw new AxhwError(
      `Liberty file ${nameOrPath} does not exist.`,
      `Pass --lib ${Object.keys(BUILT_IN).join('|')} or the path of a Liberty (.lib) file.`,
    );
  }
  const text = readFileSync(path);
  if (!/\blibrary\s*\(/.test(text.subarray(0, 64 * 1024).toString('latin1'))) {
    throw new AxhwError(`${path} is not a Liberty file (no 'library (...)' group near its start).`, 'Pass a Liberty (.lib) cell library.');
  }
  if (cellsFile !== undefined && !existsSync(cellsFile))
    throw new AxhwError(`Cell models ${cellsFile} do not exist.`, 'Give --cells the Verilog models of the library given with --lib.');
  const beside = path.replace(/\.lib$/, '.v');
  const cells = cellsFile ?? (builtIn ? builtIn.cells : beside !== path && existsSync(beside) ? beside : undefined);
  return { name: builtIn ? nameOrPath : path, liberty: path, cells, hash: sha256(text) };
}

/** Fix text for a failing EDA run: its messages point at the input (Verilog, Liberty file, script). */
export const TOOL_FIX = (tool: string): string => `The messages above are ${tool}'s own; fix the input they point at.`;
