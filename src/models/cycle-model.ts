import type { ModuleCommand, ModuleModel, ModuleResponse, RunResult } from './module-protocol.js';

/** A host-port write, taken on a clock edge. */
export interface HostWrite {
  sel: number;
  addr: number;
  value: bigint;
}

/**
 * A module modelled clock edge by clock edge (the PEs): inputs hold the values last set, every host-port
 * word written takes one clock edge, RUN ticks until its cycles or done pulses are reached. A subclass
 * states the edge, the host-port reads, the outputs and when `done` is high.
 */
export abstract class CycleModel implements ModuleModel {
  private readonly inputs: Map<string, number>;

  constructor(
    private readonly name: string,
    inputNames: readonly string[],
  ) {
    this.inputs = new Map(inputNames.map((n) => [n, 0]));
  }

  /** One clock edge with the inputs as set; `write` is a host-port write taken on it. */
  protected abstract tick(write?: HostWrite): void;
  protected abstract read(sel: number, addr: number): bigint;
  /** The outputs, as unsigned words in port order. */
  protected abstract peek(): bigint[];
  /** High in a cycle that finishes a unit of work (modules without a done pulse keep this). */
  protected done(): boolean {
    return false;
  }

  protected input(name: string): number {
    return this.inputs.get(name)!;
  }

  run(commands: readonly ModuleCommand[]): ModuleResponse[] {
    return commands.map((c): ModuleResponse => {
      switch (c.kind) {
        case 'write':
          c.words.forEach((v, i) => this.tick({ sel: c.sel, addr: c.addr + i, value: v }));
          return { kind: 'write' };
        case 'read':
          return { kind: 'read', words: Array.from({ length: c.n }, (_, i) => this.read(c.sel, c.addr + i)) };
        case 'set':
          if (!this.inputs.has(c.port)) throw new Error(`the ${this.name} has no input '${c.port}'`);
          this.inputs.set(c.port, Number(c.value));
          return { kind: 'set' };
        case 'reset':
          return { kind: 'reset' };
        case 'peek':
          return { kind: 'peek', values: this.peek() };
        case 'run': {
          const result: RunResult = { cycles: 0, dones: 0, consumed: 0, output: [], trace: [], doneCycles: [] };
          while (result.cycles < c.cycles && (!c.dones || result.dones < c.dones)) {
            if (this.done()) {
              result.dones++;
              result.doneCycles.push(result.cycles);
            }
            this.tick();
            result.cycles++;
          }
          return { kind: 'run', result };
        }
      }
    });
  }
}
