import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Design } from '../gen/design.js';
import type { CellLibrary } from './library.js';
import { cachedEntry } from '../util/cache-entry.js';
import { toolVersion, runToolChecked } from '../tools.js';
import { TOOL_FIX } from './library.js';
import { sha256 } from '../util/hash.js';
import { AxhwError } from '../errors.js';
import { abcConstraints, type MappingTarget } from './mapping-target.js';

export interface SynthResult {
  top: string;
  library: string;
  /** Total cell area from `stat -liberty`, in the library's area unit (um^2 for osu018). */
  area: number;
  cells: number;
  /** Cell type -> count. */
  cellTypes: Record<string, number>;
  flipFlops: number;
  /** Mapped gate-level netlist (kept in the cache folder; `synth -o` copies it out). */
  netlist: string;
  yosys: string;
  cached: boolean;
}

/**
 * Yosys flow: generic synthesis flattened to the top, flip-flops mapped to the library (dfflibmap),
 * combinational logic mapped by ABC to the library's cells, then `stat -liberty` for area. Cached by
 * the RTL, the library contents, the Yosys version and this script. ABC maps for area, or with a `target`
 * for a clock period, buffering and sizing gates on the way (mapping-target.ts).
 */
export async function synthesize(
  d: Pick<Design, 'top' | 'sources'>,
  lib: CellLibrary,
  o: { blackboxes?: readonly string[]; target?: MappingTarget } = {},
): Promise<SynthResult> {
  const yosys = await toolVersion('yosys');
  await toolVersion('abc');
  const files = Object.keys(d.sources).sort();
  const script = (libPath: string) =>
    [
      // A black-boxed module's own file is read for its interface only (-lib): a deep memory's array is not elaborated.
      ...files.map((f) => `read_verilog -sv${o.blackboxes?.includes(f.replace(/\.v$/, '')) ? ' -lib' : ''} ${f}`),
      `hierarchy -check -top ${d.top}`,
      // Modules synthesized (or costed) on their own stay instances here, with no area of their own.
      ...(o.blackboxes?.length ? [`blackbox ${o.blackboxes.join(' ')}`] : []),
      `synth -flatten -top ${d.top}`,
      `dfflibmap -liberty ${libPath}`,
      o.target ? `abc -D ${Math.round(o.target.clockNs * 1000)} -constr constr.txt -liberty ${libPath}` : `abc -liberty ${libPath}`,
      // Bits of a kept wire whose drivers were optimised away (nothing reads them) would be written as x.
      'setundef -undriven -zero',
      'opt_clean -purge',
      `tee -q -o stat.txt stat -liberty ${libPath}`,
      'write_verilog -noattr -noexpr netlist.v',
    ].join('\n');
  const constr = o.target ? abcConstraints(o.target) : '';
  const key = sha256('synth v1', yosys, lib.hash, script('LIB'), ...(o.target ? [constr] : []), ...files.flatMap((f) => [f, d.sources[f]]));
  const { value, dir, cached } = await cachedEntry('synth', d.top, key, async (tmp) => {
    for (const f of files) writeFileSync(join(tmp, f), d.sources[f]);
    writeFileSync(join(tmp, 'synth.ys'), script(lib.liberty));
    if (o.target) writeFileSync(join(tmp, 'constr.txt'), constr);
    await runToolChecked('yosys', ['-q', '-l', 'yosys.log', '-s', 'synth.ys'], {
      cwd: tmp,
      failure: `yosys failed while synthesizing ${d.top} on ${lib.name}`,
      fix: TOOL_FIX('yosys'),
    });
    return parseStat(readFileSync(join(tmp, 'stat.txt'), 'utf8'), d.top, o.blackboxes);
  });
  return { ...value, top: d.top, library: lib.name, netlist: join(dir, 'netlist.v'), yosys, cached };
}

export function parseStat(
  text: string,
  top: string,
  blackboxes: readonly string[] = [],
): Pick<SynthResult, 'area' | 'cells' | 'cellTypes' | 'flipFlops'> {
  const area = /Chip area for (?:module|top module) '\\?[^']*':\s*([0-9.eE+-]+)/.exec(text);
  const cells = /Number of cells:\s*(\d+)/.exec(text);
  if (!area || !cells)
    throw new AxhwError(
      `Could not read area and cell count from Yosys's statistics of ${top}.`,
      'Is the Liberty file a standard-cell library with area attributes? The statistics were:\n' + text.slice(0, 800),
    );
  const cellTypes: Record<string, number> = {};
  const block = text.slice(cells.index + cells[0].length).split('\n');
  for (const line of block) {
    const m = /^\s+(\S+)\s+(\d+)\s*$/.exec(line);
    if (!m) {
      if (Object.keys(cellTypes).length) break;
      continue;
    }
    cellTypes[m[1]] = Number(m[2]);
  }
  // Instances of black-boxed modules are not cells of this netlist.
  let boxed = 0;
  for (const b of blackboxes) {
    for (const name of [b, `\\${b}`]) {
      boxed += cellTypes[name] ?? 0;
      delete cellTypes[name];
    }
  }
  const flipFlops = Object.entries(cellTypes)
    .filter(([name]) => /DFF|LATCH|\$_S?DFF|\$_DLATCH/i.test(name))
    .reduce((n, [, c]) => n + c, 0);
  return { area: Number(area[1]), cells: Number(cells[1]) - boxed, cellTypes, flipFlops };
}
