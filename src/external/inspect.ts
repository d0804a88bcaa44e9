import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { AxhwError } from '../errors.js';
import { runTool, summariseToolLog } from '../tools.js';

export interface InspectedPort {
  name: string;
  direction: 'input' | 'output' | 'inout';
  width: number;
  signed: boolean;
}

export interface InspectedModule {
  top: string;
  ports: InspectedPort[];
  /** Cell types that hold state (flip-flops, latches, memories); empty for a combinational module. */
  stateCells: string[];
}

/** Yosys cell types that hold state after `proc`: flip-flops, latches and memories. */
const STATE_CELL = new RegExp(
  '^\\$(_?(a|s|al)?dff|dffe|dffsr|dffsre|sdffe|sdffce|adffe|aldffe|dlatch|adlatch|dlatchsr|sr|' +
    'mem|memrd|memwr|meminit|mem_v2|memrd_v2|memwr_v2|meminit_v2|fsm)',
  'i',
);

/**
 * Elaborate the user's Verilog with Yosys (read, hierarchy, proc, flatten) and report the top module's
 * ports and any state-holding cells. Yosys's own message is passed on for malformed Verilog.
 */
export async function inspectVerilog(files: string[], top: string): Promise<InspectedModule> {
  for (const f of files) if (!existsSync(f)) throw new AxhwError(`Verilog file ${f} does not exist.`, 'Check the --rtl path.');
  const dir = mkdtempSync(join(tmpdir(), 'axhw-inspect-'));
  try {
    const json = join(dir, 'design.json');
    const reads = files.map((f) => `read_verilog -sv ${JSON.stringify(resolve(f))}`).join('; ');
    const script = `${reads}; hierarchy -check -top ${top}; proc; flatten; opt_clean; write_json ${JSON.stringify(json)}`;
    const r = await runTool('yosys', ['-q', '-p', script]);
    if (r.exitCode !== 0) {
      const msg = r.log;
      if (/Module `?\\?.*'? not found|does not exist|TOP module/i.test(msg) && msg.includes(top)) {
        throw new AxhwError(
          `Module '${top}' was not found in ${files.join(', ')}:\n${summariseToolLog(msg)}`,
          'Pass the name of the module to test with --top.',
        );
      }
      throw new AxhwError(
        `Yosys could not read ${files.join(', ')}:\n${summariseToolLog(msg)}`,
        'Fix the Verilog at the file:line Yosys names above.',
      );
    }
    const doc = JSON.parse(readFileSync(json, 'utf8')) as {
      modules: Record<
        string,
        {
          ports: Record<string, { direction: InspectedPort['direction']; bits: unknown[]; signed?: number }>;
          cells: Record<string, { type: string }>;
        }
      >;
    };
    const mod = doc.modules[top];
    if (!mod)
      throw new AxhwError(
        `Module '${top}' was not found in ${files.join(', ')}.`,
        `Modules there: ${Object.keys(doc.modules).join(', ')}. Pass one with --top.`,
      );
    const ports = Object.entries(mod.ports).map(([name, p]) => ({
      name,
      direction: p.direction,
      width: p.bits.length,
      signed: p.signed === 1,
    }));
    const stateCells = [
      ...new Set(
        Object.values(mod.cells)
          .map((c) => c.type)
          .filter((t) => STATE_CELL.test(t)),
      ),
    ];
    return { top, ports, stateCells };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
