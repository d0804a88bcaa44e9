import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { argv, axhw } from '../helpers/cli.js';
import { shardAndMerge } from '../helpers/shards.js';
import { differingFiles, EXPERIMENT_RUN_FIELDS } from '../helpers/same-result.js';
import { requireTool } from '../helpers/tools.js';
import { VERIFY_RUN_FIELDS } from '../../src/verify/verify.js';
import { NPU_RUN_FIELDS } from '../../src/target/npu-report.js';

const F = (f: string) => join(import.meta.dirname, '..', 'fixtures', 'rtl', f);
let dir = '';
beforeAll(() => {
  requireTool('verilator');
  dir = mkdtempSync(join(tmpdir(), 'axhw-scale-out-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('axhw verify --shard i/n, then axhw merge', () => {
  const unit = 'drum:width=12,k=4,signed';

  // Here and below: one shard, three and seven (each n reruns the whole work; how work falls to shards for every n is
  // test/shard/shard-spec.test.ts's, exhaustively).
  it.each([1, 3, 7])('writes the unsharded --report, byte for byte but for its run fields (%i shards)', async (n) => {
    const whole = join(dir, 'whole');
    if (!existsSync(whole)) expect((await axhw('verify', unit, '--quiet', '--report', join(whole, 'verify.json'))).exitCode).toBe(0);
    const out = join(dir, `merged-${n}`);
    const { merge } = await shardAndMerge(dir, ['verify', unit], n, out);
    expect(merge.exitCode, merge.all).toBe(0);
    expect(merge.stdout).toMatch(/PASS drum_w12_k4_s: RTL == model on all 16,777,216 pairs/);
    expect(differingFiles(whole, out, VERIFY_RUN_FIELDS)).toEqual([]);
  });

  it('a shard that finds mismatches exits 0 (the merge must still run); the merge fails naming the first pair (exit 1)', async () => {
    const words = argv`verify --rtl ${F('trunc_mult.v')} --top trunc_mult --model ${F('trunc_mult_wrong.mjs')}`;
    const whole = await axhw(...words, '--report', join(dir, 'bad-whole', 'verify.json'));
    expect(whole.exitCode).toBe(1);
    const { merge } = await shardAndMerge(dir, words, 3, join(dir, 'bad-merged'));
    expect(merge.exitCode).toBe(1);
    expect(merge.stdout).toMatch(/FAIL trunc_mult: 48,384 of all 65,536 pairs \(exhaustive\) differ/);
    expect(merge.stdout).toMatch(/a=4 \(0x04\) b=1 \(0x01\): rtl 0 \(0x0000\), model 4 \(0x0004\)/);
    expect(differingFiles(join(dir, 'bad-whole'), join(dir, 'bad-merged'), VERIFY_RUN_FIELDS)).toEqual([]);
  });

  it('refuses an incomplete or mixed set of parts (exit 2, nothing written)', async () => {
    const { parts } = await shardAndMerge(dir, ['verify', unit], 3, join(dir, 'ok'));
    rmSync(join(parts, 'part-1-of-3.json'));
    const out = join(dir, 'not-written');
    const missing = await axhw('merge', parts, '-o', out);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/1 of 3 parts are missing: shard 1/);
    expect(missing.stderr).toMatch(/--shard 1\/3 --parts/);
    expect(existsSync(out)).toBe(false);
    const other = await shardAndMerge(dir, ['verify', 'drum:width=12,k=5,signed'], 3, join(dir, 'ok5'));
    const mixed = await axhw('merge', parts, join(other.parts, 'part-1-of-3.json'), '-o', out);
    expect(mixed.exitCode).toBe(2);
    expect(mixed.stderr).toMatch(/belongs to another plan/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses --shard without --parts, --parts without --shard and --report with --shard (exit 2)', async () => {
    expect((await axhw('verify', unit, '--shard', '0/2')).stderr).toMatch(/--shard needs --parts/);
    expect((await axhw('verify', unit, '--parts', dir)).stderr).toMatch(/--parts is only for a sharded run/);
    const r = await axhw('verify', unit, '--shard', '0/2', '--parts', dir, '--report', join(dir, 'r.json'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--report does not go with --shard/);
    expect((await axhw('verify', unit, '--shard', '2/2', '--parts', dir)).exitCode).toBe(2);
  });
});

describe('axhw characterize --shard i/n, then axhw merge', () => {
  const words = argv`characterize drum --width 8 --sweep k=3..6 --baseline exact-mul`;

  it.each([1, 3, 7])('writes the unsharded report folder but for the time taken and when (%i shards)', async (n) => {
    requireTool('yosys');
    const whole = join(dir, 'char-whole');
    if (!existsSync(whole)) expect((await axhw(...words, '-o', whole, '--quiet')).exitCode).toBe(0);
    const out = join(dir, `char-merged-${n}`);
    const { merge } = await shardAndMerge(dir, [...words, '-o', whole, '--quiet'], n, out);
    expect(merge.exitCode, merge.all).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['characterize.csv', 'characterize.json', 'characterize.md', 'pareto.svg']);
    // The savings of every row are against the baseline, which only shard 0 ran.
    expect(JSON.parse(readFileSync(join(out, 'characterize.json'), 'utf8')).rows[0].savings.area).toBeGreaterThan(0);
    expect(differingFiles(whole, out, EXPERIMENT_RUN_FIELDS)).toEqual([]);
  });
});

describe('axhw npu run --shard i/n, then axhw merge', () => {
  let words: string[] = [];
  beforeAll(async () => {
    const model = join(dir, 'bc');
    const t = await axhw(...argv`train --data breast-cancer --epochs 3 --seed 1 -o ${model} --quiet`);
    expect(t.exitCode, t.all).toBe(0);
    words = argv`npu run ${model} --multiplier drum:width=8,k=4,signed -P 4 --json --quiet`;
  });

  it.each([1, 3, 7])('writes the unsharded record but for its run fields (%i shards)', async (n) => {
    const whole = join(dir, 'npu-whole');
    if (!existsSync(whole)) {
      const r = await axhw(...words);
      expect(r.exitCode, r.all).toBe(0);
      mkdirSync(whole);
      writeFileSync(join(whole, 'npu-run.json'), JSON.stringify(JSON.parse(r.stdout), null, 2) + '\n');
    }
    const out = join(dir, `npu-merged-${n}`);
    const { merge } = await shardAndMerge(dir, words, n, out);
    expect(merge.exitCode, merge.all).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'npu-run.json'), 'utf8'))).toMatchObject({ samples: 114, bitExact: true });
    expect(differingFiles(whole, out, NPU_RUN_FIELDS)).toEqual([]);
  });

  it('refuses the options that write the whole result, in the shard and in the plan (exit 2)', async () => {
    const shard = await axhw(...words, '--shard', '0/2', '--parts', join(dir, 'np'), '-o', join(dir, 'x.json'));
    expect(shard.exitCode).toBe(2);
    expect(shard.stderr).toMatch(/-o does not go with --shard/);
    const plan = await axhw('plan', '--shards', '2', '--local', '-o', join(dir, 'np-plan'), '--', ...words, '--operand-trace', 'ops.npy');
    expect(plan.exitCode).toBe(2);
    expect(plan.stderr).toMatch(/--operand-trace does not go with a sharded npu run/);
  });
});

describe('axhw plan --local', () => {
  it('writes a script that runs the shards on this machine and merges them into the unsharded result', async () => {
    const plan = join(dir, 'plan');
    const r = await axhw(...argv`plan --shards 3 --local -o ${plan} -- verify drum:width=10,k=3`);
    expect(r.exitCode, r.all).toBe(0);
    const run = await execa('bash', [join(plan, 'run-local.sh')], { reject: false, all: true, cwd: dir });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/PASS drum_w10_k3: RTL == model on all 1,048,576 pairs/);
    const whole = join(dir, 'plan-whole');
    await axhw('verify', 'drum:width=10,k=3', '--quiet', '--report', join(whole, 'verify.json'));
    expect(differingFiles(whole, join(plan, 'result'), VERIFY_RUN_FIELDS)).toEqual([]);
    expect(JSON.parse(readFileSync(join(plan, 'plan.json'), 'utf8'))).toMatchObject({ job: 'verify', shards: 3, scheduler: 'local' });
  });

  it('refuses a command that cannot be sharded, one with --shard already, and no scheduler (exit 2)', async () => {
    const a = await axhw(...argv`plan --shards 2 --local -o ${join(dir, 'p2')} -- synth drum:width=8,k=4`);
    expect(a.exitCode).toBe(2);
    expect(a.stderr).toMatch(/cannot run as shards.*Shard one of: verify, characterize, npu run, npu cost, experiment axtrain/s);
    const b = await axhw(...argv`plan --shards 2 --local -o ${join(dir, 'p2')} -- verify drum:width=8,k=4 --shard 0/2`);
    expect(b.stderr).toMatch(/already has --shard/);
    const c = await axhw(...argv`plan --shards 2 -o ${join(dir, 'p2')} -- verify drum:width=8,k=4`);
    expect(c.stderr).toMatch(/--slurm or --local/);
  });
});
