import { dirname } from 'node:path';
import type { ModuleDesign } from '../gen/generate-module.js';
import type { ModuleCommand, ModuleResponse, RunResult } from '../gen/module.js';
import { renderTemplate, templatePath } from '../gen/templates.js';
import { cosimTemplateDir } from '../paths.js';
import { AxhwError } from '../errors.js';
import { buildVerilated, type HarnessBuild } from './build.js';
import { header, MODULE_MAGIC, MODULE_PROTOCOL_VERSION, ModuleCmd } from './protocol.js';
import { HarnessProcess } from './transport.js';

/** A probe output the harness records after every eval (src/synth/port-trace.ts): its name and width (over 64 bits). */
export interface HarnessProbe {
  name: string;
  bits: number;
}

export function renderModuleHarness(d: Pick<ModuleDesign, 'top' | 'ports'>, probe?: HarnessProbe): string {
  const p = d.ports;
  return renderTemplate(templatePath(cosimTemplateDir, 'module-harness.cpp.hbs'), {
    top: d.top,
    protocol: MODULE_PROTOCOL_VERSION,
    clock: p.clock,
    reset: p.reset,
    inputs: p.inputs,
    outputs: p.outputs,
    memory: p.memory ?? false,
    streamIn: p.streamIn ?? false,
    streamOut: p.streamOut ?? false,
    done: p.done ?? false,
    monitor: p.monitor ?? false,
    monitorFields: p.monitor?.fields ?? [],
    recordWords: (p.monitor?.fields.length ?? 0) + 1,
    probe: probe && { name: probe.name, bits: probe.bits, words: Math.ceil(probe.bits / 32) },
  }).text;
}

/**
 * `o.flags`: extra Verilator flags (`--coverage-toggle` for a gate-level power simulation); `o.cxxFlags` replace
 * the C++ flags; `o.probe`: the top's probe output, recorded to $AXHW_PROBE_FILE.
 */
export function buildModuleHarness(
  d: Pick<ModuleDesign, 'top' | 'sources' | 'ports'>,
  log?: (m: string) => void,
  o: { flags?: readonly string[]; cxxFlags?: string; probe?: HarnessProbe } = {},
): Promise<HarnessBuild> {
  const { probe, ...build } = o;
  return buildVerilated(
    {
      top: d.top,
      sources: d.sources,
      harness: renderModuleHarness(d, probe),
      protocol: `module protocol ${MODULE_PROTOCOL_VERSION}`,
      ...build,
    },
    log,
  );
}

/** `jobs` processes of one module's harness, built once. */
export async function openModuleSessions(d: ModuleDesign, jobs: number, log?: (m: string) => void): Promise<ModuleSession[]> {
  const build = await buildModuleHarness(d, log);
  return Promise.all(Array.from({ length: Math.max(1, jobs) }, () => ModuleSession.open(d, log, build)));
}

const u64s = (b: Buffer) => Array.from({ length: b.length / 8 }, (_, i) => b.readBigUInt64LE(8 * i));

/** A module's Verilated harness, driven with the module protocol; answers the commands its model answers. */
export class ModuleSession {
  private constructor(
    private readonly proc: HarnessProcess,
    readonly design: Pick<ModuleDesign, 'top' | 'sources' | 'ports'>,
  ) {}

  /** Toggle coverage of a build with --coverage-toggle: zero the counts, or write them to $AXHW_COVERAGE_FILE. */
  async coverage(op: 'zero' | 'write'): Promise<void> {
    await this.proc.request(header(ModuleCmd.Coverage, 0, op === 'zero' ? 0 : 1), 'prefixed');
  }

  static async open(
    d: Pick<ModuleDesign, 'top' | 'sources' | 'ports'>,
    log?: (m: string) => void,
    built?: HarnessBuild,
    env?: Record<string, string>,
  ): Promise<ModuleSession> {
    const build = built ?? (await buildModuleHarness(d, log));
    const s = new ModuleSession(new HarnessProcess(build.binary, d.top, env), d);
    const info = await s.proc.request(header(ModuleCmd.Info, 0), 'prefixed');
    const p = d.ports;
    const [magic, proto, ni, no, nf] = [0, 4, 8, 12, 16].map((o) => info.readUInt32LE(o));
    if (
      magic !== MODULE_MAGIC ||
      proto !== MODULE_PROTOCOL_VERSION ||
      ni !== p.inputs.length ||
      no !== p.outputs.length ||
      nf !== (p.monitor?.fields.length ?? 0)
    ) {
      await s.close();
      throw new AxhwError(
        `The co-simulation binary ${build.binary} does not match ${d.top} (stale cache entry?).`,
        `Remove ${dirname(build.binary)} and run again (it is rebuilt).`,
      );
    }
    return s;
  }

  /** Run commands in order (pipelined); one response per command. */
  async run(commands: readonly ModuleCommand[]): Promise<ModuleResponse[]> {
    return Promise.all(commands.map((c) => this.one(c)));
  }

  private async one(c: ModuleCommand): Promise<ModuleResponse> {
    const addrArg = (sel: number, addr: number) => (BigInt(sel) << 48n) | BigInt(addr);
    switch (c.kind) {
      case 'write': {
        const body = Buffer.allocUnsafe(8 * c.words.length);
        c.words.forEach((w, i) => body.writeBigUInt64LE(BigInt.asUintN(64, w), 8 * i));
        await this.proc.request(Buffer.concat([headerBig(ModuleCmd.Write, c.words.length, addrArg(c.sel, c.addr)), body]), 'prefixed');
        return { kind: 'write' };
      }
      case 'read':
        return { kind: 'read', words: u64s(await this.proc.request(headerBig(ModuleCmd.Read, c.n, addrArg(c.sel, c.addr)), 'prefixed')) };
      case 'set': {
        const i = this.design.ports.inputs.findIndex((x) => x.name === c.port);
        if (i < 0)
          throw new AxhwError(
            `${this.design.top} has no settable input '${c.port}'.`,
            `Its inputs: ${this.design.ports.inputs.map((x) => x.name).join(', ') || 'none'}.`,
          );
        await this.proc.request(headerBig(ModuleCmd.Set, i, BigInt.asUintN(64, c.value)), 'prefixed');
        return { kind: 'set' };
      }
      case 'reset':
        await this.proc.request(header(ModuleCmd.Reset, 0), 'prefixed');
        return { kind: 'reset' };
      case 'peek':
        return { kind: 'peek', values: u64s(await this.proc.request(header(ModuleCmd.Peek, 0), 'prefixed')) };
      case 'run': {
        const input = c.input ?? [];
        const body = Buffer.allocUnsafe(24 + 8 * input.length);
        body.writeBigUInt64LE(BigInt(c.cycles), 0);
        body.writeBigUInt64LE(BigInt(c.dones ?? 0), 8);
        body.writeBigUInt64LE(BigInt(c.stall ?? 0), 16);
        input.forEach((w, i) => body.writeBigUInt64LE(BigInt.asUintN(64, w), 24 + 8 * i));
        const r = u64s(await this.proc.request(Buffer.concat([header(ModuleCmd.Run, input.length), body]), 'prefixed'));
        return { kind: 'run', result: this.runResult(r) };
      }
    }
  }

  private runResult(r: bigint[]): RunResult {
    const [cycles, dones, consumed, nOut, nTrace] = r.slice(0, 5).map(Number) as [number, number, number, number, number];
    const fields = this.design.ports.monitor?.fields.length ?? 0;
    let o = 5;
    const output = r.slice(o, (o += nOut));
    const trace: RunResult['trace'] = [];
    for (let i = 0; i < nTrace; i++, o += fields + 1) trace.push({ cycle: Number(r[o]!), fields: r.slice(o + 1, o + 1 + fields) });
    const doneCycles = r.slice(o, o + dones).map(Number);
    return { cycles, dones, consumed, output, trace, doneCycles };
  }

  close(): Promise<void> {
    return this.proc.close(header(ModuleCmd.Quit, 0));
  }
}

/** Header with a 64-bit argument given as a BigInt (addresses with a memory select in the top bits). */
function headerBig(cmd: ModuleCmd, n: number, arg: bigint): Buffer {
  const h = header(cmd, n);
  h.writeBigUInt64LE(arg, 8);
  return h;
}
