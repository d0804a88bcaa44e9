import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { AxhwError } from '../errors.js';
import type { Hardware } from '../nn/hardware.js';
import { FloatArithmetic, type BackwardArithmetic, type FloatArithmeticOptions } from '../nn/float-arithmetic.js';
import { floatMultiplierFromUnit, type FloatMultiplier } from '../multipliers/float-multiplier.js';
import { ProductTrace } from '../multipliers/product-trace.js';
import { formatCodesOf } from '../arith/float-format.js';
import { checkTracePath, writeTrace } from '../lut/trace-file.js';
import { formatUnitSpec, resolveUnitSpec } from '../gen/unit-spec.js';
import { fpmulLevelCosts, levelCost } from '../synth/fpmul-levels.js';
import { mantissaLevels, mantissaSchedule, parseScheduleSpec, type MantissaStep } from './mantissa-schedule.js';
import { describeSchedule, type ArithmeticSchedule } from './schedule.js';

/** Operand pairs of a recorded trace, spread over the whole run. */
const TRACE_PAIRS = 1 << 16;

/** `axhw train` options for fpmul hardware (FramNN). */
export interface FpmulTrainingOptions {
  /** The backward products on the fpmul too (approximate training), or exact (default). */
  backward?: BackwardArithmetic;
  /** A mantissa schedule (parseScheduleSpec) whose final level is the multiplier's mbits. */
  schedule?: string;
  /** Operand trace (.npy) the adaptive schedule's level power is measured under (default uniform random operands). */
  activity?: string;
  /** Write the forward products' operand pairs recorded during training here (.npy of the format's codes, for --activity / synth --power
   * sim). */
  operandTrace?: string;
  /** The command line, recorded in the trace's sidecar. */
  command?: string;
}

export interface FpmulTrainingPlan {
  schedule?: ArithmeticSchedule;
  trace?: ProductTrace;
  /** What metrics.json records. */
  record?: {
    backward: BackwardArithmetic;
    schedule: ReturnType<typeof describeSchedule>;
    steps: MantissaStep[];
    levelPower?: { m: number; powerW: number; energyPerOpPj: number }[];
    activity: string;
  };
  /** Writes the operand trace once training has run. */
  finish(): string | undefined;
}

/** Mantissa steps as the trainer's schedule: each step's fpmul layers, labelled `mbits <m>`. */
export function fpmulSchedule(
  steps: readonly MantissaStep[],
  multiplierAt: (m: number) => FloatMultiplier,
  opts: FloatArithmeticOptions,
): ArithmeticSchedule {
  return steps.map((s) => ({ iterations: s.iterations, arithmetic: new FloatArithmetic(multiplierAt(s.m), opts), label: `mbits ${s.m}` }));
}

/**
 * The hardware epochs' arithmetic for fpmul training: the backward mode, a mantissa schedule over the
 * `iterations` of hardware training (each level's fpmul proved on the RTL), and an operand recorder.
 */
export async function fpmulTrainingPlan(
  hw: Hardware | undefined,
  trainsOnHardware: boolean,
  o: FpmulTrainingOptions,
  work: {
    iterations: number;
    /** sum of the weighted layers' fan-ins: the pairs one recorded dot product per layer gives */ fanInSum: number;
  },
  log?: (m: string) => void,
): Promise<FpmulTrainingPlan> {
  const { iterations } = work;
  const asked = [
    o.backward === 'hardware' && '--backward hardware',
    o.schedule && '--schedule',
    o.operandTrace && '--operand-trace',
    o.activity && '--activity',
  ].filter(Boolean);
  if (!asked.length) return { finish: () => undefined };
  if (!hw?.float)
    throw new AxhwError(
      `${asked.join(', ')}: only for fpmul hardware.`,
      'Add --multiplier fpmul:mbits=<m> (the final level of a schedule).',
    );
  if (!trainsOnHardware)
    throw new AxhwError(
      `${asked.join(', ')}: only for training on the hardware.`,
      'Use --method pas (FramNN: forward on the fpmul), with --backward hardware for approximate training.',
    );
  if (o.activity && !o.schedule?.startsWith('adaptive'))
    throw new AxhwError(
      "--activity sets the operands of the adaptive schedule's power measurement.",
      'Use it with --schedule adaptive:<from>[/<step>].',
    );
  if (o.operandTrace) checkTracePath(o.operandTrace, '--operand-trace');
  if (o.operandTrace && !existsSync(dirname(resolve(o.operandTrace))))
    throw new AxhwError(
      `--operand-trace ${o.operandTrace}: give an .npy file in an existing folder.`,
      'e.g. --operand-trace out/ops.npy (create the folder first).',
    );
  const backward = o.backward ?? 'exact';
  const final = hw.float;
  const trace = o.operandTrace ? ProductTrace.overRun({ seed: 1, maxPairs: TRACE_PAIRS, iterations, fanInSum: work.fanInSum }) : undefined;
  const spec = o.schedule ? parseScheduleSpec(o.schedule) : { kind: 'explicit' as const, steps: [{ m: final.mbits, iterations }] };
  let steps: MantissaStep[];
  let levelPower: { m: number; powerW: number; energyPerOpPj: number }[] | undefined;
  if (spec.kind === 'explicit') steps = spec.steps;
  else {
    const levels = spec.kind === 'uniform' ? [final.mbits] : mantissaLevels(spec.from, final.mbits, spec.step);
    if (spec.kind === 'adaptive') {
      log?.(
        `adaptive schedule: the fpmul's power at ` +
          `m = ${levels.join(', ')} (synthesized once, ` +
          `cached; ${o.activity ? `operands of ${o.activity}` : 'uniform random operands'})`,
      );
      const costs = await fpmulLevelCosts(levels, o.activity, final.format);
      levelPower = levels.map((m) => {
        const c = levelCost(costs, m, 'fixed');
        return { m, powerW: c.powerW, energyPerOpPj: c.energyPerOpPj };
      });
    }
    steps = mantissaSchedule(
      spec.kind,
      levels,
      iterations,
      levelPower?.map((p) => p.powerW),
    );
  }
  const multipliers = new Map<number, FloatMultiplier>([[final.mbits, final]]);
  for (const s of steps)
    if (!multipliers.has(s.m))
      multipliers.set(s.m, await floatMultiplierFromUnit(resolveUnitSpec(formatUnitSpec('fpmul', { ...final.format, mbits: s.m })), log));
  const schedule = fpmulSchedule(steps, (m) => multipliers.get(m)!, { backward, trace });
  log?.(
    `fpmul schedule (${backward === 'hardware' ? 'forward and backward' : 'forward'} ` +
      `on the fpmul): ${steps.map((s) => `${s.iterations} iterations at m = ${s.m}`).join(', ')}`,
  );
  return {
    schedule,
    trace,
    record: {
      backward,
      schedule: describeSchedule(schedule),
      steps,
      levelPower,
      activity: levelPower ? (o.activity ?? 'uniform random operands') : 'none',
    },
    finish: () => {
      if (!trace || !o.operandTrace) return undefined;
      const f = final.format;
      const width = 1 + f.exp + f.frac;
      writeTrace(
        o.operandTrace,
        ProductTrace.toNpy([trace], (bits) => formatCodesOf(f, bits)),
        {
          format: 'axhw-trace',
          version: 1,
          unit: formatUnitSpec('fpmul', { ...f, mbits: final.mbits }),
          numbers: 'float',
          aWidth: width,
          bWidth: width,
          signed: true,
          exp: f.exp,
          frac: f.frac,
          operands: { a: 'activation (forward products, whole dot products)', b: 'weight' },
          pairs: trace.pairs,
          command: o.command,
        },
      );
      return o.operandTrace;
    },
  };
}
