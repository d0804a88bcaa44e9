import { writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClockSpec } from '../models/operator.js';
import type { CellLibrary } from './library.js';
import type { PinActivity } from './activity.js';
import { cachedEntry } from '../util/cache-entry.js';
import { toolVersion, runToolChecked } from '../tools.js';
import { TOOL_FIX } from './library.js';
import { sha256 } from '../util/hash.js';
import { AxhwError } from '../errors.js';

export interface TimingPower {
  clockNs: number;
  /** Worst (max) path delay, ns: input to output for combinational units, else the critical register path. */
  delayNs: number;
  slackNs: number;
  /** Power in W at the clock, by OpenSTA's propagation of the input activities. */
  power: { internal: number; switching: number; leakage: number; total: number };
  sta: string;
  cached: boolean;
}

/**
 * OpenSTA on a mapped netlist. Combinational units get a virtual clock with zero input/output delays, so
 * the reported arrival time is the input-to-output critical path; clocked units get the clock on their
 * clk port. This OpenSTA has no VCD reader, so activity is given with set_power_activity per input port
 * bit (-input_ports) and OpenSTA propagates it through the logic.
 * Outputs drive no load beyond the pins of the cells they connect to.
 */
export async function timingAndPower(
  netlist: string,
  top: string,
  ports: { clock?: Pick<ClockSpec, 'clk'> },
  lib: CellLibrary,
  clockNs: number,
  pins: PinActivity[],
  /** Input bits held constant for timing (set_case_analysis): paths that cannot switch at this setting are not timed. */
  constants: { pin: string; value: 0 | 1 }[] = [],
): Promise<TimingPower> {
  if (!(clockNs > 0))
    throw new AxhwError(
      `--clock-ns must be a positive number of nanoseconds, not ${clockNs}.`,
      'Give a period above 0, e.g. --clock-ns 10.',
    );
  const sta = await toolVersion('sta');
  const netText = readFileSync(netlist, 'utf8');
  const script = (libPath: string) => {
    const clk = ports.clock;
    const lines = [
      `read_liberty ${libPath}`,
      'read_verilog netlist.v',
      `link_design ${top}`,
      clk ? `create_clock -name clk -period ${clockNs} [get_ports ${clk.clk}]` : `create_clock -name vclk -period ${clockNs}`,
      clk
        ? `set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports ${clk.clk}]]`
        : 'set_input_delay 0 -clock vclk [all_inputs]',
      `set_output_delay 0 -clock ${clk ? 'clk' : 'vclk'} [all_outputs]`,
      ...pins.map((p) => `set_power_activity -input_ports [get_ports {${p.pin}}] -activity ${p.activity} -duty ${p.duty}`),
      // Power before case analysis: OpenSTA 2.0.17's report_power crashes (SIGSEGV) once a case is set.
      'report_power -digits 8',
      ...constants.map((c) => `set_case_analysis ${c.value} [get_ports {${c.pin}}]`),
      'report_checks -path_delay max -digits 6',
    ];
    return lines.join('\n') + '\n';
  };
  const key = sha256('sta v1', sta, lib.hash, script('LIB'), netText);
  const { value, cached } = await cachedEntry('sta', top, key, async (tmp) => {
    writeFileSync(join(tmp, 'netlist.v'), splitConcatAssigns(netText));
    writeFileSync(join(tmp, 'sta.tcl'), script(lib.liberty));
    // OpenSTA reports Tcl errors and still exits 0.
    const log = await runToolChecked('sta', ['-no_init', '-no_splash', '-exit', 'sta.tcl'], {
      cwd: tmp,
      failOn: /^Error:/m,
      failure: `sta failed while timing ${top}`,
      fix: TOOL_FIX('sta'),
    });
    writeFileSync(join(tmp, 'sta.log'), log);
    return parseSta(log, top);
  });
  return { clockNs, ...value, sta, cached };
}

export function parseSta(log: string, top: string): Pick<TimingPower, 'delayNs' | 'slackNs' | 'power'> {
  const arrival = /([0-9.eE+-]+)\s+data arrival time/.exec(log);
  const slack = /([0-9.eE+-]+)\s+slack \((?:MET|VIOLATED)\)/.exec(log);
  const total = /^Total\s+([0-9.eE+-]+)\s+([0-9.eE+-]+)\s+([0-9.eE+-]+)\s+([0-9.eE+-]+)/m.exec(log);
  if (!arrival || !slack || !total)
    throw new AxhwError(
      `Could not read the critical path and power of ${top} from OpenSTA's report.`,
      `OpenSTA printed:\n${log.slice(-1500)}`,
    );
  return {
    delayNs: Number(arrival[1]),
    slackNs: Number(slack[1]),
    power: { internal: Number(total[1]), switching: Number(total[2]), leakage: Number(total[3]), total: Number(total[4]) },
  };
}

/**
 * `assign { a[3], b } = { c, d[1:0] };` as one assign per bit: OpenSTA 2.0.17 cannot read a concatenation
 * on the left of an assign (fixed upstream later: OpenSTA issue #31), and Yosys writes them for merged
 * nets. Widths of whole-name parts come from the module's declarations.
 */
export function splitConcatAssigns(text: string): string {
  const widths = new Map<string, [number, number]>();
  return text.replace(
    /^(\s*)(module\b[^\n]*|(?:input|output|inout|wire|reg)\s+\[(\d+):(\d+)\]\s+([^;]+);|assign\s+\{([^}]*)\}\s*=\s*(\{[^}]*\}|[^;]+);)/gm,
    (whole, indent: string, _stmt: string, msb?: string, lsb?: string, names?: string, lhs?: string, rhs?: string) => {
      if (whole.trimStart().startsWith('module')) {
        widths.clear();
        return whole;
      }
      if (names !== undefined) {
        for (const n of names.split(',')) widths.set(n.trim(), [Number(msb), Number(lsb)]);
        return whole;
      }
      if (lhs === undefined) return whole;
      const bits = (part: string): string[] => {
        const p = part.trim();
        const sel = /^(\\\S+\s|[A-Za-z_][\w$]*)\s*\[(\d+)(?::(\d+))?\]$/.exec(p);
        if (sel) {
          const name = sel[1]!.trimEnd();
          const hi = Number(sel[2]);
          const lo = sel[3] === undefined ? hi : Number(sel[3]);
          const out: string[] = [];
          for (let k = hi; ; k += hi >= lo ? -1 : 1) {
            out.push(`${name}${name.startsWith('\\') ? ' ' : ''}[${k}]`);
            if (k === lo) break;
          }
          return out;
        }
        const c = /^(\d+)'([bh])([0-9a-fA-F_]+)$/.exec(p);
        if (c) {
          const v = BigInt(c[2] === 'b' ? `0b${c[3]!.replace(/_/g, '')}` : `0x${c[3]!.replace(/_/g, '')}`);
          return Array.from({ length: Number(c[1]) }, (_, k) => `1'b${(v >> BigInt(Number(c[1]) - 1 - k)) & 1n}`);
        }
        const w = widths.get(p);
        if (!w) return [p];
        return bits(`${p}${p.startsWith('\\') ? ' ' : ''}[${w[0]}:${w[1]}]`);
      };
      const list = (e: string) => (e.trim().startsWith('{') ? e.trim().slice(1, -1) : e).split(',').flatMap(bits);
      const l = list(lhs);
      const r = list(rhs!);
      if (l.length !== r.length) return whole;
      return l.map((b, k) => `${indent}assign ${b} = ${r[k]};`).join('\n');
    },
  );
}
