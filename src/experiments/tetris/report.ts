import { MEMORY_KINDS } from '../../synth/memory-kind.js';
import { experimentProvenance } from '../provenance.js';
import { figure, list, table, text, type ResultDocument } from '../../doc/document.js';
import type { PeCostSummary, TetrisResult } from './schema.js';
import { pct } from '../../util/quantities.js';

const x2 = (v: number) => `${v.toFixed(2)}x`;
const nj = (pj: number) => (pj / 1000).toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const share = (z: { zeroBits: number; bits: number }) => z.zeroBits / z.bits;
const shareNz = (z: { zeroBitsInNonZero: number; nonZeroBits: number }) => z.zeroBitsInNonZero / z.nonZeroBits;
const logicPj = (c: PeCostSummary) =>
  Object.entries(c.energyPerInferencePj)
    .filter(([g]) => g !== 'memories' && g !== 'total')
    .reduce((s, [, v]) => s + v, 0);
const memoryPj = (c: PeCostSummary) => c.energyPerInferencePj.memories ?? 0;
const cycles = (c: PeCostSummary) => c.computeCyclesPerInference + c.loadCyclesPerInference;

/** Work-cycle speed-up per kneading group size and network (Vega-Lite). */
export function speedupSpec(r: TetrisResult): object {
  const values = r.networks.flatMap((n) => n.analysis.total.kneading.map((k) => ({ network: n.name, group: k.group, speedup: k.speedup })));
  return {
    title: { text: 'Kneading speed-up over a MAC PE (work cycles)', subtitle: 'one PE running the whole network; paper: up to 1.50x' },
    data: { values },
    width: 420,
    height: 240,
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'group', type: 'ordinal', title: 'kneading group size G' },
      y: { field: 'speedup', type: 'quantitative', title: 'MAC cycles / SAC cycles', scale: { zero: false } },
      color: { field: 'network', type: 'nominal' },
    },
  };
}

export function tetrisDocument(r: TetrisResult): ResultDocument {
  const cmd = r.command;
  return {
    title: `Tetris weight kneading${r.quick ? ' (--quick)' : ''}`,
    command: cmd,
    provenance: experimentProvenance(r, { groups: r.groups.join(','), costGroup: r.costGroup }),
    intro: [
      text(
        `Networks trained here (seed ${r.seed}, backend ${r.backend.name}), quantised to the 8-bit ` +
          `codes of an exact-mul:width=8,signed PE. Kneading group sizes ${r.groups.join(', ')}; the RTL ` +
          `checks and gate-level costs use G = ${r.costGroup}. Only the Tetris abstract is available here ` +
          `(68.9% zero bits, up to 1.50x speed-up, 5.33x power efficiency); the comparisons below are ` +
          `against those three figures.`,
      ),
      list(Object.entries(r.definitions).map(([k, v]) => `**${k}**: ${v}`)),
    ],
    sections: [
      {
        title: 'Zero bits in the stored weights',
        command: cmd,
        blocks: [
          table(
            [
              'network',
              'weights',
              'zero weights',
              "zero bits, two's complement (of non-zero weights)",
              'zero bits, sign-magnitude (of non-zero weights)',
              'essential bits per weight',
              'accuracy float / integer',
            ],
            r.networks.map((n) => {
              const t = n.analysis.total;
              const tc = t.zeroBits['twos-complement'];
              const sm = t.zeroBits['sign-magnitude'];
              return [
                n.name,
                t.weights,
                pct(1 - tc.nonZeroWeights / tc.weights, 1),
                `${pct(share(tc), 1)} (${pct(shareNz(tc), 1)})`,
                `${pct(share(sm), 1)} (${pct(shareNz(sm), 1)})`,
                (t.essentialBits / t.weights).toFixed(2),
                `${pct(n.accuracy.float, 2)} / ${pct(n.accuracy.integer, 2)}`,
              ];
            }),
            `paper: zero bits up to ${pct(r.paper.zeroBitShare, 1)} of the weights' bits in CNNs`,
          ),
        ],
      },
      {
        title: 'Speed-up from kneading (work cycles, one PE)',
        command: cmd,
        blocks: [
          table(
            ['network', 'MAC cycles per inference', 'zero-value skipping', ...r.groups.map((g) => `G = ${g}`), 'ideal (lanes full)'],
            r.networks.map((n) => [
              n.name,
              n.analysis.total.macCycles,
              x2(n.analysis.total.zeroValueSpeedup),
              ...n.analysis.total.kneading.map((k) => x2(k.speedup)),
              x2(n.analysis.total.idealSpeedup),
            ]),
            `paper: up to ${x2(r.paper.speedup)}`,
          ),
          figure('speedup', 'Kneading speed-up by group size', speedupSpec(r)),
          table(
            [
              'network',
              'layer',
              'kind',
              'fan-in x outputs',
              'rows per inference',
              'zero bits (sign-magnitude)',
              ...r.groups.map((g) => `G = ${g}`),
            ],
            r.networks.flatMap((n) =>
              n.analysis.layers.map((l) => [
                n.name,
                l.layer,
                l.kind,
                `${l.fanIn} x ${l.outputs}`,
                l.rowsPerInference,
                pct(share(l.zeroBits['sign-magnitude']), 1),
                ...l.kneading.map((k) => x2(k.speedup)),
              ]),
            ),
            'per layer',
          ),
        ],
      },
      {
        title: 'The SAC PE in RTL',
        command: cmd,
        blocks: [
          text(
            "The sac-pe unit's RTL (Verilator) runs every layer of each network on test samples: every output's " +
              "accumulator and requantised code equal the integer reference's (which the MAC PE and the NPU " +
              "match bit for bit), and the cycles it counts from start to done equal the kneading's prediction " +
              '(words + 2 per output).',
          ),
          table(
            ['network', 'group', 'test samples', 'outputs compared (all equal)', 'cycles measured', 'cycles predicted'],
            r.networks.map((n) => [
              n.name,
              n.rtlCheck.group,
              n.rtlCheck.samples,
              n.rtlCheck.outputs,
              n.rtlCheck.cyclesMeasured,
              n.rtlCheck.cyclesPredicted,
            ]),
          ),
        ],
      },
      {
        title: 'SAC PE against MAC PE: area, delay and energy per inference at gate level',
        command: cmd,
        blocks: r.cost.length
          ? [
              table(
                [
                  'network',
                  'PE',
                  'cycles per inference (compute + load)',
                  'logic area, um^2',
                  'memory area, um^2',
                  'critical path, ns',
                  'logic energy, nJ',
                  'memory energy, nJ',
                  'total, nJ',
                  'outputs compared',
                ],
                r.cost.flatMap((c) =>
                  [c.mac, c.sac].map((p) => [
                    c.network,
                    p.pe === 'mac' ? 'MAC (exact 8x8)' : `SAC (G = ${r.costGroup})`,
                    `${cycles(p).toFixed(0)} (${p.computeCyclesPerInference.toFixed(0)} + ${p.loadCyclesPerInference.toFixed(0)})`,
                    (p.areaUm2.total! - (p.areaUm2.memories ?? 0)).toFixed(0),
                    (p.areaUm2.memories ?? 0).toFixed(0),
                    p.delayNs.toFixed(1),
                    nj(logicPj(p)),
                    nj(memoryPj(p)),
                    nj(p.energyPerInferencePj.total),
                    p.compared,
                  ]),
                ),
                `${r.cost[0]!.library}, ${r.cost[0]!.clockNs} ns clock`,
              ),
              table(
                [
                  'network',
                  'speed-up (cycles)',
                  'speed-up (time: cycles x critical path)',
                  'logic energy, MAC / SAC',
                  'total energy, MAC / SAC',
                  'logic energy x time, MAC / SAC',
                  'memory bits, SAC / MAC',
                ],
                r.cost.map((c) => {
                  const bits = (p: PeCostSummary) => p.parts.reduce((s, x) => s + (x.bits ?? 0) * x.instances, 0);
                  const time = (p: PeCostSummary) => cycles(p) * p.delayNs;
                  return [
                    c.network,
                    x2(cycles(c.mac) / cycles(c.sac)),
                    x2(time(c.mac) / time(c.sac)),
                    x2(logicPj(c.mac) / logicPj(c.sac)),
                    x2(c.mac.energyPerInferencePj.total / c.sac.energyPerInferencePj.total),
                    x2((logicPj(c.mac) * time(c.mac)) / (logicPj(c.sac) * time(c.sac))),
                    x2(bits(c.sac) / bits(c.mac)),
                  ];
                }),
                `above 1 favours SAC; paper: ${x2(r.paper.powerEfficiency)} power efficiency`,
              ),
              ...memoryKindsTable(r),
            ]
          : [text('Not costed in this run (the gate-level cost runs are part of the full experiment).')],
      },
    ],
  };
}

/** Total energy per inference of both PEs under each memory kind (the same counted accesses), when the result has them. */
function memoryKindsTable(r: TetrisResult) {
  if (!r.cost.every((c) => c.mac.energyPerInferenceByMemoryKind && c.sac.energyPerInferenceByMemoryKind)) return [];
  return [
    table(
      ['network', ...MEMORY_KINDS.flatMap((k) => [`${k}: MAC, nJ`, `${k}: SAC, nJ`, `${k}: MAC / SAC`])],
      r.cost.map((c) => [
        c.network,
        ...MEMORY_KINDS.flatMap((k) => {
          const [mac, sac] = [c.mac.energyPerInferenceByMemoryKind![k].total, c.sac.energyPerInferenceByMemoryKind![k].total];
          return [nj(mac), nj(sac), x2(mac / sac)];
        }),
      ]),
      'total energy per inference with the memories as each kind: sram (GF180MCU macros per access), ff-gated (the ' +
        'totals above), ff-ungated (clocked every cycle, the upper bound)',
    ),
  ];
}

export function tetrisDataFiles(r: TetrisResult): [string, string][] {
  return [['tetris.json', JSON.stringify(r, null, 1) + '\n']];
}
