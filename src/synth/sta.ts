import { writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OperatorPorts } from '../models/operator.js';
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
export async function timingAndPower(netlist: string, top: string, ports: OperatorPorts, lib: CellLibrary, clockNs: number, pins: PinActivity[]): Promise<TimingPower> {
  if (!(clockNs > 0)) throw new AxhwError(`--clock-ns must be a positive number of nanoseconds, not ${clockNs}.`, 'Give a period above 0, e.g. --clock-ns 10.');
  const sta = await toolVersion('sta');
  const netText = readFileSync(netlist, 'utf8');
  const script = (libPath: string) => {
    const clk = ports.clock;
    const lines = [
      `read_liberty ${libPath}`,
      'read_verilog netlist.v',
      `link_design ${top}`,
      clk ? `create_clock -name clk -period ${clockNs} [get_ports ${clk.clk}]` : `create_clock -name vclk -period ${clockNs}`,
      clk ? `set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports ${clk.clk}]]` : 'set_input_delay 0 -clock vclk [all_inputs]',
      `set_output_delay 0 -clock ${clk ? 'clk' : 'vclk'} [all_outputs]`,
      ...pins.map((p) => `set_power_activity -input_ports [get_ports {${p.pin}}] -activity ${p.activity} -duty ${p.duty}`),
      'report_checks -path_delay max -digits 6',
      'report_power -digits 8',
    ];
    return lines.join('\n') + '\n';
  };
  const key = sha256('sta v1', sta, lib.hash, script('LIB'), netText);
  const { value, cached } = await cachedEntry('sta', top, key, async (tmp) => {
    writeFileSync(join(tmp, 'netlist.v'), netText);
    writeFileSync(join(tmp, 'sta.tcl'), script(lib.liberty));
    // OpenSTA reports Tcl errors and still exits 0.
    const log = await runToolChecked('sta', ['-no_init', '-no_splash', '-exit', 'sta.tcl'], { cwd: tmp, failOn: /^Error:/m, failure: `sta failed while timing ${top}`, fix: TOOL_FIX('sta') });
    writeFileSync(join(tmp, 'sta.log'), log);
    return parseSta(log, top);
  });
  return { clockNs, ...value, sta, cached };
}

export function parseSta(log: string, top: string): Pick<TimingPower, 'delayNs' | 'slackNs' | 'power'> {
  const arrival = /([0-9.eE+-]+)\s+data arrival time/.exec(log);
  const slack = /([0-9.eE+-]+)\s+slack \((?:MET|VIOLATED)\)/.exec(log);
  const total = /^Total\s+([0-9.eE+-]+)\s+([0-9.eE+-]+)\s+([0-9.eE+-]+)\s+([0-9.eE+-]+)/m.exec(log);
  if (!arrival || !slack || !total) throw new AxhwError(`Could not read the critical path and power of ${top} from OpenSTA's report.`, `OpenSTA printed:\n${log.slice(-1500)}`);
  return {
    delayNs: Number(arrival[1]),
    slackNs: Number(slack[1]),
    power: { internal: Number(total[1]), switching: Number(total[2]), leakage: Number(total[3]), total: Number(total[4]) },
  };
}
