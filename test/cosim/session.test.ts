import { describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { CosimSession } from '../../src/cosim/session.js';
import { generateDesign } from '../../src/gen/generate.js';
import { resolveUnit } from '../../src/gen/registry.js';
import { buildHarness } from '../../src/cosim/build.js';
import { Rng } from '../../src/util/rng.js';
import { requireTool } from '../helpers/tools.js';

describe('co-simulation sessions', () => {
  it('a simulator that dies is reported with its binary, its cache folder and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axhw-crash-'));
    const binary = join(dir, 'harness');
    writeFileSync(binary, '#!/bin/sh\necho "%Error: simulated crash" >&2\nexit 3\n');
    chmodSync(binary, 0o755);
    const r = resolveUnit('drum', { width: 8, k: 4 });
    const err = await CosimSession.open(binary, generateDesign(r.unit, r.params)).then(
      () => undefined,
      (e: unknown) => e as { message: string; fix?: string },
    );
    expect(err?.message).toMatch(
      new RegExp(`co-simulation process for drum_w8_k4 \\(${binary}\\) exited \\(code 3\\)[\\s\\S]*simulated crash`),
    );
    expect(err?.fix).toContain(`remove ${dir} and run again`);
  });
});

describe('requests through the mapped slots', () => {
  const design = () => {
    const r = resolveUnit('drum', { width: 8, k: 3, signed: true });
    return generateDesign(r.unit, r.params);
  };

  it('give what the pipe gives, for ranges and pairs, also with more requests in flight than slots', async () => {
    await requireTool('verilator');
    const d = design();
    const { binary } = await buildHarness(d);
    const [viaSlots, viaPipe] = await Promise.all([CosimSession.open(binary, d), CosimSession.open(binary, d, { slots: false })]);
    try {
      expect([viaSlots.mapped, viaPipe.mapped]).toEqual([true, false]);
      const rng = new Rng(11);
      const a = Uint32Array.from({ length: 5000 }, () => rng.nextU32() & 0xff);
      const b = Uint32Array.from({ length: 5000 }, () => rng.nextU32() & 0xff);
      // twelve requests at once: four go through slots, the rest through the pipe, all in order
      const starts = Array.from({ length: 12 }, (_, i) => i * 4000);
      const got = await Promise.all(starts.map((s) => viaSlots.evalRange(s, 4000).then((x) => Buffer.from(x))));
      const want = await Promise.all(starts.map((s) => viaPipe.evalRange(s, 4000)));
      expect(got).toEqual(want);
      expect(new Set(got.map((x) => x.toString('hex'))).size).toBe(12); // distinct ranges, not one reply repeated
      expect(Buffer.from(await viaSlots.evalPairs(a, b, 5000))).toEqual(await viaPipe.evalPairs(a, b, 5000));
      // a range larger than a slot goes through the pipe
      expect(Buffer.from(await viaSlots.evalRange(0, 65536))).toEqual(await viaPipe.evalRange(0, 65536));
    } finally {
      await Promise.all([viaSlots.close(), viaPipe.close()]);
    }
  });

  it('leave no file behind', async () => {
    await requireTool('verilator');
    const d = design();
    const { binary } = await buildHarness(d);
    const s = await CosimSession.open(binary, d);
    // This session's own slot file (other test files' sessions come and go in /dev/shm at the same time).
    const slots = (s as unknown as { slots?: { path: string } }).slots;
    expect(slots, 'the session mapped its request slots').toBeDefined();
    const during = existsSync(slots!.path);
    await s.close();
    expect(during).toBe(false); // removed once mapped
  });
});
