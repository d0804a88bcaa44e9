import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argv, axhw } from '../helpers/cli.js';
import { shardAndMerge } from '../helpers/shards.js';
import { differingFiles } from '../helpers/same-result.js';
import { requireTool } from '../helpers/tools.js';
import { sha256Json } from '../../src/util/hash.js';
import { NPU_COST_RUN_FIELDS } from '../../src/target/npu-report.js';
import type { Part } from '../../src/shard/part.js';

/**
 * npu cost cut by part instance (src/synth/module-cost-parts.ts): every shard runs the RTL work, replays its
 * range of the part instances, and the merge prices the summed toggle counts, giving the unsharded record.
 */
let dir = '';
let words: string[] = [];
const whole = () => join(dir, 'whole');

beforeAll(async () => {
  for (const t of ['verilator', 'yosys', 'sta'] as const) requireTool(t);
  dir = mkdtempSync(join(tmpdir(), 'axhw-scale-out-cost-'));
  const model = join(dir, 'bc');
  const t = await axhw(...argv`train --data breast-cancer --epochs 3 --seed 1 -o ${model} --quiet`);
  expect(t.exitCode, t.all).toBe(0);
  // --json: the record names its command, and a shard's command cannot have the -o the unsharded run would write with.
  words = argv`npu cost ${model} --multiplier drum:width=8,k=4,signed -P 2 --samples 2 --json`;
  const r = await axhw(...words);
  expect(r.exitCode, r.all).toBe(0);
  mkdirSync(whole());
  writeFileSync(join(whole(), 'npu-cost.json'), JSON.stringify(JSON.parse(r.stdout), null, 2) + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The parts of the 3-shard run (the first test), copied to be edited. */
let threeParts = '';
function copyOfParts(name: string): string {
  expect(threeParts).not.toBe('');
  const copy = join(dir, name);
  cpSync(threeParts, copy, { recursive: true });
  return copy;
}

/** A part file edited and its payload hash made right again: what only the merge's own checks can catch. */
function editPart(file: string, edit: (payload: Record<string, unknown> & { toggles: Record<string, unknown> }) => void): void {
  const part = JSON.parse(readFileSync(file, 'utf8')) as Part;
  edit(part.payload as never);
  part.payloadHash = sha256Json(part.payload);
  writeFileSync(file, JSON.stringify(part));
}

describe('axhw npu cost --shard i/n, then axhw merge', () => {
  // 2 PEs: 5 part instances (the controller, and each PE's datapath and multiplier). 3 shards hold several each; 6, one
  // each and an empty one.
  it.each([3, 6])('writes the unsharded -o record but for its time fields (%i shards over 5 part instances)', async (n) => {
    const out = join(dir, `merged-${n}`);
    const { merge, parts } = await shardAndMerge(dir, words, n, out);
    expect(merge.exitCode, merge.all).toBe(0);
    if (n === 3) threeParts = parts;
    const record = JSON.parse(readFileSync(join(out, 'npu-cost.json'), 'utf8'));
    expect(record).toMatchObject({ format: 'axhw-npu-cost', samples: 2, simulation: { kind: 'hierarchical' } });
    expect(record.energyPerInferencePj.total).toBeGreaterThan(0);
    expect(differingFiles(whole(), out, NPU_COST_RUN_FIELDS)).toEqual([]);
  });

  it('the comparison can fail: one toggle count more in one part changes the merged energy (negative control)', async () => {
    const parts = copyOfParts('control');
    editPart(join(parts, 'part-1-of-3.json'), (p) => {
      const counts = p.toggles.counts as Record<string, Record<string, number>>;
      const [module] = Object.keys(counts);
      const [bit] = Object.keys(counts[module!]!);
      counts[module!]![bit!]! += 1;
    });
    const out = join(dir, 'tampered');
    expect((await axhw('merge', parts, '-o', out)).exitCode).toBe(0);
    expect(differingFiles(whole(), out, NPU_COST_RUN_FIELDS)).toEqual(['npu-cost.json']);
  });

  it('refuses parts that ran other work or counted on another netlist (exit 2, nothing written)', async () => {
    const parts = copyOfParts('refused');
    const file = join(parts, 'part-0-of-3.json');
    const original = readFileSync(file, 'utf8');
    editPart(file, (p) => (p.toggles.cycles = (p.toggles.cycles as number) + 1));
    const out = join(dir, 'not-written');
    const work = await axhw('merge', parts, '-o', out);
    expect(work.exitCode).toBe(2);
    expect(work.stderr).toMatch(/ran different work on the RTL/);
    writeFileSync(file, original);
    editPart(file, (p) => {
      const netlists = p.toggles.netlists as Record<string, string>;
      netlists[Object.keys(netlists)[0]!] = '0'.repeat(64);
    });
    const netlist = await axhw('merge', parts, '-o', out);
    expect(netlist.exitCode).toBe(2);
    expect(netlist.stderr).toMatch(/synthesized for the merge is not the one the shards counted toggles on/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses -o and --whole-chip with --shard, in the shard and in the plan (exit 2)', async () => {
    const shard = await axhw(...words, '--shard', '0/2', '--parts', join(dir, 'p'), '--whole-chip');
    expect(shard.exitCode).toBe(2);
    expect(shard.stderr).toMatch(/--whole-chip does not go with --shard/);
    const plan = await axhw('plan', '--shards', '2', '--local', '-o', join(dir, 'plan'), '--', ...words, '-o', 'c.json');
    expect(plan.exitCode).toBe(2);
    expect(plan.stderr).toMatch(/-o does not go with a sharded npu cost/);
  });
});
