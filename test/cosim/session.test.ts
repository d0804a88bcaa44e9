import { describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { CosimSession } from '../../src/cosim/session.js';
import { generateDesign } from '../../src/gen/generate.js';
import { resolveUnit } from '../../src/gen/registry.js';

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
