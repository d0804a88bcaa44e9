import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { AxhwError } from '../errors.js';
import { runToolChecked, toolVersion } from '../tools.js';
import type { Netlist } from './netlist.js';
import { countsByBit, simulationNetlist, stimulusInputs, SIM_TOP, type Stimulus, type ToggleCounts } from './toggle-sim.js';

/**
 * Toggle counts with the cells' own delays: Icarus Verilog (`iverilog -gspecify`), an event-driven
 * simulator, runs the netlist with the library's Verilog models as they are (UDPs and specify path
 * delays included), one input vector per clock period; every value change of every net is counted from
 * its VCD dump, so glitches (several transitions of a net within one cycle) count. Slower than the
 * zero-delay Verilator run, so it is meant for a sample of cycles.
 */

export async function simulateTogglesWithDelays(
  net: Netlist,
  cellsVerilog: string,
  stim: Stimulus,
  clockNs: number,
): Promise<ToggleCounts> {
  const t0 = performance.now();
  const inputs = stimulusInputs(net, stim);
  const version = await toolVersion('iverilog');
  await toolVersion('vvp');
  const { text, ids } = simulationNetlist(net);
  const dir = mkdtempSync(join(tmpdir(), 'axhw-delay-sim-'));
  try {
    // One line per cycle: the input ports' values in hex, read with $readmemh.
    const width = inputs.reduce((s, p) => s + p.bits.length, 0);
    const lines: string[] = [];
    for (let c = 0; c < stim.cycles; c++) {
      let word = 0n;
      let shift = 0n;
      inputs.forEach((p, k) => {
        word |= stim.values[c * inputs.length + k]! << shift;
        shift += BigInt(p.bits.length);
      });
      lines.push(word.toString(16));
    }
    writeFileSync(join(dir, 'stim.hex'), lines.join('\n') + '\n');
    const ps = Math.round(clockNs * 1000);
    let offset = 0;
    const assigns = inputs.map((p) => {
      const a = `      ${p.name} = v[${offset + p.bits.length - 1}:${offset}];`;
      offset += p.bits.length;
      return a;
    });
    // A clock rises in the middle of each cycle (inputs change at its start) and falls at its end.
    const clk = stim.clock;
    const half = (ps / 2000).toFixed(3);
    const tb = `\`timescale 1ns/1ps
module tb;
${inputs.map((p) => `  reg ${p.bits.length > 1 ? `[${p.bits.length - 1}:0] ` : ''}${p.name};`).join('\n')}
${clk ? `  reg ${clk} = 1'b0;` : ''}
${net.ports
  .filter((p) => p.direction !== 'input')
  .map((p) => `  wire ${p.bits.length > 1 ? `[${p.bits.length - 1}:0] ` : ''}${p.name};`)
  .join('\n')}
  reg [${width - 1}:0] mem [0:${stim.cycles - 1}];
  reg [${width - 1}:0] v;
  integer c;
  ${SIM_TOP} dut (${net.ports.map((p) => `.${p.name}(${p.name})`).join(', ')});
  initial begin
    $readmemh("stim.hex", mem);
    for (c = 0; c < ${stim.cycles}; c = c + 1) begin
      v = mem[c];
${assigns.join('\n')}
      // The first period only sets the circuit up: the dump starts 1 ps before the second vector (a dump
      // started in the same time step would absorb that step's changes), so every change is counted.
${
  clk
    ? `      #${half} ${clk} = 1'b1;
      if (c == 0) begin #${((ps / 2 - 1) / 1000).toFixed(3)}; $dumpfile("toggles.vcd"); $dumpvars(1, dut); #0.001; end
      else #${half};
      ${clk} = 1'b0;`
    : `      if (c == 0) begin #${(ps - 1) / 1000}; $dumpfile("toggles.vcd"); $dumpvars(1, dut); #0.001; end
      else #${ps / 1000};`
}
    end
    $finish;
  end
endmodule
`;
    writeFileSync(join(dir, 'tb.v'), tb);
    writeFileSync(join(dir, 'netlist.v'), '`timescale 1ns/1ps\n' + text);
    writeFileSync(join(dir, 'cells.v'), cellsVerilog);
    const fix = 'Check that the cell models (--cells) belong to the library the netlist was mapped to.';
    await runToolChecked('iverilog', ['-gspecify', '-o', 'sim.vvp', '-s', 'tb', 'tb.v', 'netlist.v', 'cells.v'], {
      cwd: dir,
      failure: `iverilog could not compile the delay simulation of ${net.top}`,
      fix,
    });
    await runToolChecked('vvp', ['-n', 'sim.vvp'], { cwd: dir, failure: `The delay simulation of ${net.top} failed`, fix });
    const toggles = countsByBit(ids, countVcdToggles(readFileSync(join(dir, 'toggles.vcd'), 'latin1')));
    return {
      cycles: stim.cycles - 1,
      toggles,
      build: { cached: false, seconds: 0, simulator: version },
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Value changes per scalar signal of a VCD file (vectors are counted per bit as name[k]). The values a
 * dump starts with ($dumpvars) set the reference and are not changes.
 */
export function countVcdToggles(vcd: string): Map<string, number> {
  const codes = new Map<string, { name: string; width: number }[]>();
  const headerEnd = vcd.indexOf('$enddefinitions');
  if (headerEnd < 0) throw new AxhwError('The VCD file has no $enddefinitions.', 'The simulation did not finish; run it again.');
  for (const m of vcd.slice(0, headerEnd).matchAll(/\$var\s+\w+\s+(\d+)\s+(\S+)\s+(\S+)(?:\s+\[[^\]]*\])?\s+\$end/g)) {
    const list = codes.get(m[2]!) ?? [];
    list.push({ name: m[3]!, width: Number(m[1]) });
    codes.set(m[2]!, list);
  }
  const last = new Map<string, string>();
  const counts = new Map<string, number>();
  const change = (code: string, value: string) => {
    const prev = last.get(code);
    last.set(code, value);
    if (prev === undefined) return;
    for (const { name, width } of codes.get(code) ?? []) {
      const a = prev.padStart(width, '0');
      const b = value.padStart(width, '0');
      for (let k = 0; k < width; k++) {
        if (a[width - 1 - k] === b[width - 1 - k]) continue;
        const key = width === 1 ? name : `${name}[${k}]`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  };
  for (const line of vcd.slice(headerEnd).split('\n')) {
    const l = line.trim();
    if (!l || l[0] === '#' || l[0] === '$') continue;
    if (l[0] === 'b' || l[0] === 'B') {
      const [v, code] = l.slice(1).split(/\s+/);
      change(code!, v!);
    } else if (/^[01xXzZ]/.test(l)) change(l.slice(1), l[0]!);
  }
  for (const list of codes.values())
    for (const { name, width } of list)
      for (let k = 0; k < width; k++) {
        const key = width === 1 ? name : `${name}[${k}]`;
        if (!counts.has(key)) counts.set(key, 0);
      }
  return counts;
}
