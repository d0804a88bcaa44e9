import { describe, expect, it } from 'vitest';
import { listModules, resolveModule } from '../../src/gen/registry.js';
import { generateModule } from '../../src/gen/generate-module.js';
import { openModuleSessions } from '../../src/cosim/module-session.js';
import type { ModuleResponse } from '../../src/gen/module.js';
import { Rng } from '../../src/util/rng.js';
import { requireTool } from '../helpers/tools.js';

const text = (r: ModuleResponse[]) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * One runner for every module unit (as verify is for operators): each parameter set of its sweep is
 * generated, Verilated with the generic module harness, driven with the module's own seeded commands, and
 * every response (memory reads, outputs, out-stream words, monitor records with their cycle numbers, done
 * cycles) must equal the transaction-level model's.
 */
describe.each(listModules().flatMap((m) => m.testSweep.map((p) => [m.name, resolveModule(m.name, p).params, m] as const)))(
  'module %s %j: RTL == model',
  (_name, params, def) => {
    it('answers every command as its model does', { timeout: 300_000 }, async () => {
      await requireTool('verilator');
      const d = generateModule(def, params);
      const cmds = def.testStimulus(params, d.children, new Rng(7));
      const [s] = await openModuleSessions(d, 1);
      try {
        const rtl = await s!.run(cmds);
        const hits = new Map<string, number>();
        const model = d.model((c) => hits.set(c, (hits.get(c) ?? 0) + 1)).run(cmds);
        expect(text(rtl)).toBe(text(model));
        // Every declared corner of the finishing arithmetic is reached by the stimulus, and the counts are shown.
        const corners = def.corners?.(params) ?? [];
        if (corners.length) {
          console.log(
            `${def.name} ${JSON.stringify(params)}: corners hit ${corners.map((c) => `${c}: ${hits.get(c) ?? 0}`).join('; ')} ` +
              `(of ${hits.get('finish') ?? 0} finishes)`,
          );
          expect(
            corners.filter((c) => !hits.get(c)),
            'corners the stimulus never reached',
          ).toEqual([]);
        }
        // The stimulus reaches the datapath: outputs change, and (NPU) whole inferences run.
        const runs = rtl.filter((r) => r.kind === 'run');
        const peeks = new Set(rtl.filter((r) => r.kind === 'peek').map((r) => text([r])));
        expect(peeks.size + runs.reduce((a, r) => a + (r.kind === 'run' ? r.result.trace.length : 0), 0)).toBeGreaterThan(20);
      } finally {
        await s!.close();
      }
    });
  },
);
