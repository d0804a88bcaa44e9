import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execa } from 'execa';
import { requireTool } from '../helpers/tools.js';
import { axhw, argv, axhwBin } from '../helpers/cli.js';

const root = join(import.meta.dirname, '..', '..');
const F = (f: string) => join(root, 'test', 'fixtures', 'rtl', f);

describe('axhw CLI', () => {
  let out: string;
  beforeAll(() => {
    requireTool('verilator');
    requireTool('yosys');
    if (!existsSync(join(root, 'dist', 'cli', 'main.js')))
      throw new Error('dist/ is not built: run `npm run build` (npm test does it first)');
    out = mkdtempSync(join(tmpdir(), 'axhw-cli-'));
  });

  it.each(['', 'gen', 'verify', 'lut', 'synth', 'characterize', 'train', 'eval', 'experiment', 'units', 'demo', 'report'])(
    '`%s --help` documents the command',
    async (cmd) => {
      const r = await axhw(...(cmd ? [cmd] : []), '--help');
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/Usage: axhw/);
    },
  );

  it('--version and -V answer as the full command tree does (the launcher answers them without loading it)', async () => {
    const full = await execa('node', [join(root, 'dist', 'cli', 'main.js'), '--version']);
    expect(full.stdout).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
    for (const flag of ['--version', '-V']) {
      const r = await axhw(flag);
      expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, full.stdout, '']);
    }
  });

  it('a reader that stops early (`axhw units | head -1`) ends the output quietly, exit 0, no EPIPE trace', async () => {
    const child = execa('node', [axhwBin, 'units', '--json'], { reject: false, stderr: 'pipe' });
    child.stdout!.destroy(); // the read end closes before axhw writes
    const r = await child;
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
    expect(r.exitCode).toBe(0);
  });

  it('verify --help lists the registry parameters derived from the units', async () => {
    const r = await axhw('verify', '--help');
    expect(r.stdout).toMatch(/--k <n>[\s\S]*?exact \[drum: default 4\]/);
    expect(r.stdout).toMatch(/--width <n>[\s\S]*?\[drum: default 8;\s+exact-mul: default 8\]/);
    expect(r.stdout).toMatch(/--signed[\s\S]*?drum: default false/);
    expect(r.stdout).toMatch(/\nExamples:\n {2}\$ axhw verify drum:width=8,k=4,signed\n/);
    expect(r.stdout).toMatch(/--rtl <files...>/);
  });

  it('gen writes Verilog and a manifest with ports and content hash', async () => {
    const dir = join(out, 'gen');
    const r = await axhw('gen', 'drum', '--width', '8', '--k', '4', '--signed', '-o', dir, '--json');
    expect(r.exitCode, r.all).toBe(0);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m).toMatchObject({ unit: 'drum', params: { width: 8, k: 4, signed: true }, top: 'drum_w8_k4_s', files: ['drum_w8_k4_s.v'] });
    expect(m.ports.y).toEqual({ name: 'y', width: 16 });
    expect(m.rtlHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(r.stdout).rtlHash).toBe(m.rtlHash);
  });

  it('verify --json reports an exhaustive pass, and a cached second run', async () => {
    const r = await axhw('verify', 'drum', '--width', '8', '--k', '4', '--signed', '--json');
    expect(r.exitCode, r.all).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep).toMatchObject({ passed: true, mode: 'exhaustive', pairs: 65536, mismatches: 0 });
    const again = JSON.parse((await axhw('verify', 'drum', '--width', '8', '--k', '4', '--signed', '--json')).stdout);
    expect(again.build.cached).toBe(true);
  });

  it('verify of external RTL with a wrong model exits 1 and prints counterexamples', async () => {
    const r = await axhw('verify', '--rtl', F('trunc_mult.v'), '--top', 'trunc_mult', '--model', F('trunc_mult_wrong.mjs'));
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/FAIL trunc_mult: 48,384 of all 65,536 pairs/);
    expect(r.stdout).toMatch(/a=4 \(0x04\) b=1 \(0x01\): rtl 0 \(0x0000\), model 4 \(0x0004\)/);
  });

  it('lut writes the table and sidecar; lut of external RTL with a wrong model writes nothing', async () => {
    const ok = await axhw('lut', 'drum', '--width', '8', '--k', '4', '-o', join(out, 'd.npy'), '--json');
    expect(ok.exitCode, ok.all).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ shape: [256, 256], dtype: '<u2', verified: true });
    expect(existsSync(join(out, 'd.npy.json'))).toBe(true);
    const bad = await axhw(
      ...argv`lut --rtl ${F('trunc_mult.v')} --top trunc_mult --a-width 8 --b-width 8
        --model ${F('trunc_mult_wrong.mjs')} -o ${join(out, 'bad.npy')}`,
    );
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/disagrees with its model on 48384 of 65536 pairs.*no table written/);
    expect(readdirSync(out).filter((f) => f.startsWith('bad'))).toEqual([]);
  });

  it('fpmul: verify over an mbits range, and a significand table with its mbits in the sidecar', async () => {
    const v = await axhw(...argv`verify fpmul --preset bfloat16 --subnormals ftz --mbits 2..4,8 --vectors 20000 --json`);
    expect(v.exitCode, v.all).toBe(0);
    const rep = JSON.parse(v.stdout);
    expect(rep.controlSettings).toEqual([{ mbits: 2 }, { mbits: 3 }, { mbits: 4 }, { mbits: 8 }]);
    expect(rep.top).toBe('fpmul_e8_f7_rne_ftz_p0');
    expect(rep.pairs).toBe(4 * (rep.perSetting.cornerPairs + 20000));
    expect(rep.pairs).toBe(rep.cornerPairs + rep.randomPairs);
    expect(rep.perSetting.pairs).toBe(rep.pairs / 4);
    const t = await axhw(...argv`lut fpmul --preset bfloat16 --table significand --mbits 6 -o ${join(out, 'sig.npy')} --json`);
    expect(t.exitCode, t.all).toBe(0);
    expect(JSON.parse(t.stdout)).toMatchObject({
      kind: 'significand',
      controls: { mbits: 6 },
      shape: [32, 32],
      dtype: '<u2',
      verified: true,
    });
  });

  it('synth prints area, delay and power and writes the netlist and reports with -o', async () => {
    const r = await axhw('synth', 'drum', '--width', '8', '--k', '4', '--clock-ns', '5', '-o', join(out, 'syn'), '--json');
    expect(r.exitCode, r.all).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep).toMatchObject({
      top: 'drum_w8_k4',
      library: { name: 'osu018' },
      timing: { clockNs: 5 },
      activity: { workload: 'uniform', seed: 1 },
    });
    expect(rep.synth.area).toBeGreaterThan(1000);
    expect(existsSync(join(out, 'syn', 'drum_w8_k4.netlist.v'))).toBe(true);
    expect(readFileSync(join(out, 'syn', 'report.md'), 'utf8')).toMatch(/area {8}\d+\.\d um\^2, \d+ cells/);
  });
});
